from django.urls import path

from feedback.views import actions, dashboard, handler, photos, resident, supervisor, worker
from feedback.workflow import CASE_ACTIONS

app_name = "feedback"

urlpatterns = [
    # reporters (residents, grid workers, clerks)
    path("report/", resident.report, name="report"),
    path("report/duplicates/", photos.duplicate_suggestions, name="duplicates"),
    path("mine/", resident.my_cases, name="mine"),
    path("public/", resident.public_list, name="public"),
    path("public/<int:pk>/", resident.public_detail, name="public_detail"),
    # grid workers
    path("on-spot/", worker.on_spot, name="on_spot"),
    path("verify/", worker.verify_queue, name="verify_queue"),
    path("grid/", worker.grid_cases, name="grid_cases"),
    # department handlers
    path("inbox/", handler.inbox, name="inbox"),
    # supervisors
    path("queue/", supervisor.queue, name="queue"),
    path("escalations/", supervisor.escalations, name="escalations"),
    path("all/", supervisor.supervise, name="supervise"),
    path("all/export/", supervisor.export, name="export"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    # everyone who may read the case, and each action of feedback.workflow on it
    path("<int:pk>/", actions.case_detail, name="detail"),
    path("<int:pk>/photos/<int:photo_pk>/<str:size>/", photos.case_photo, name="photo"),
    *[path(f"<int:pk>/{t.slug}/", actions.action_view(t), name=t.name) for t in CASE_ACTIONS],
]
