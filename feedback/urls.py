from django.urls import path

from feedback.views import common, handler, resident, supervisor, worker

app_name = "feedback"

urlpatterns = [
    # reporters (residents, grid workers, clerks)
    path("report/", resident.report, name="report"),
    path("report/duplicates/", common.duplicate_suggestions, name="duplicates"),
    path("mine/", resident.my_cases, name="mine"),
    path("public/", resident.public_list, name="public"),
    path("public/<int:pk>/", resident.public_detail, name="public_detail"),
    path("<int:pk>/rate/", resident.rate, name="rate"),
    path("<int:pk>/reopen/", resident.reopen, name="reopen"),
    path("<int:pk>/withdraw/", resident.withdraw, name="withdraw"),
    # grid workers
    path("on-spot/", worker.on_spot, name="on_spot"),
    path("verify/", worker.verify_queue, name="verify_queue"),
    path("grid/", worker.grid_cases, name="grid_cases"),
    path("<int:pk>/verify/", worker.verify, name="verify"),
    # department handlers
    path("inbox/", handler.inbox, name="inbox"),
    path("<int:pk>/handle/", handler.handle, name="handle"),
    path("<int:pk>/send-back/", handler.send_back, name="send_back"),
    # supervisors
    path("queue/", supervisor.queue, name="queue"),
    path("escalations/", supervisor.escalations, name="escalations"),
    path("all/", supervisor.supervise, name="supervise"),
    path("all/export/", supervisor.export, name="export"),
    path("<int:pk>/register/", supervisor.register, name="register"),
    path("<int:pk>/reject/", supervisor.reject, name="reject"),
    path("<int:pk>/dispatch/", supervisor.dispatch, name="dispatch"),
    path("<int:pk>/merge/", supervisor.merge, name="merge"),
    path("<int:pk>/hide/", supervisor.hide, name="hide"),
    # everyone who may read the case
    path("<int:pk>/", common.case_detail, name="detail"),
    path("<int:pk>/photos/<int:photo_pk>/<str:size>/", common.case_photo, name="photo"),
]
