from django.urls import path

from consultation.views import actions, pages

app_name = "consultation"

urlpatterns = [
    path("", pages.topic_list, name="list"),
    path("new/", pages.topic_new, name="new"),
    path("create/", actions.topic_create, name="create"),
    path("moderation/", pages.moderation_queue, name="moderation"),
    path("<int:pk>/", pages.topic_detail, name="detail"),
    path("<int:pk>/support/", actions.support, name="support"),
    path("<int:pk>/paper/", pages.paper_supports, name="paper"),
    path("<int:pk>/paper/add/", actions.paper_support, name="paper_add"),
    path("<int:pk>/withdraw/", actions.withdraw, name="withdraw"),
    path("<int:pk>/decide/", actions.decide, name="decide"),
    path("<int:pk>/phase/", actions.phase_move, name="phase"),
    path("<int:pk>/plan/", actions.phase_plan, name="plan"),
    path("<int:pk>/comment/", actions.comment, name="comment"),
    path("<int:pk>/amend/", actions.amend, name="amend"),
    path("<int:pk>/procedure/", pages.procedure_form, name="procedure"),
    path("<int:pk>/procedure/notice/", pages.procedure_notice, name="procedure_notice"),
    path("<int:pk>/procedure/save/", actions.procedure_save, name="procedure_save"),
    path("<int:pk>/actions/", actions.action_create, name="action_create"),
    path("<int:pk>/rate/", actions.rate, name="rate"),
    path("<int:pk>/files/<int:attachment_pk>/", pages.attachment, name="attachment"),
    path("comments/<int:comment_id>/report/", actions.comment_report, name="report"),
    path("comments/<int:comment_id>/moderate/", actions.comment_moderate, name="moderate"),
    path("amendments/<int:amendment_id>/decide/", actions.amendment_decide, name="amend_decide"),
    path("actions/<int:action_id>/update/", actions.action_update, name="action_update"),
    path("actions/<int:action_id>/case/", actions.action_case, name="action_case"),
    path("photos/<int:pk>/<str:size>/", pages.action_photo, name="photo"),
]
