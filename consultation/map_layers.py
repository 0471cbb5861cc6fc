"""Open consultation topics on the map (the `topics` layer): the topics the user reads
(consultation.access through topic_list), at a point inside each topic's area."""

from django.contrib.gis.db.models.functions import PointOnSurface
from django.urls import reverse

from accounts.models import User
from consultation.models import Phase, Topic, TopicStatus
from consultation.selectors import topic_list
from maps.layers import LayerResult, register_layer
from maps.query import MapQuery

OPEN_STATUSES = (TopicStatus.PROPOSED, TopicStatus.AGENDA)
TOPIC_CAP = 500


def topics_geojson(user: User, query: MapQuery) -> LayerResult:
    box = query.bbox
    readable = (
        topic_list(user=user)
        .filter(status__in=OPEN_STATUSES)
        .exclude(phase=Phase.FOLLOW_UP)
        .values_list("pk", flat=True)
    )
    # the reading rule first (it counts comments per topic), the geometry afterwards
    topics = (
        Topic.objects.filter(pk__in=list(readable))
        .annotate(point=PointOnSurface("area__boundary"))
        .order_by("-updated_at", "-pk")
    )
    features = []
    for topic in topics[: TOPIC_CAP + 1]:
        p = topic.point
        if p is None or not (box.west <= p.x <= box.east and box.south <= p.y <= box.north):
            continue
        label = Phase(topic.phase).label if topic.phase else TopicStatus(topic.status).label
        props = {
            "id": topic.pk,
            "title": topic.title,
            "phase_label": str(label),
            "url": reverse("consultation:detail", args=[topic.pk]),
        }
        geometry = {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]}
        features.append({"type": "Feature", "geometry": geometry, "properties": props})
    return LayerResult(features[:TOPIC_CAP], len(features) > TOPIC_CAP)


def register() -> None:
    register_layer("topics", geojson=topics_geojson, depends_on=("topics",))
