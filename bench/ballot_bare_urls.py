"""The baseline of bench/ballot_cast.py: a bare Django view that inserts the same two rows
as a cast through the API (the Vote and its Choice), minus everything the API adds
(token, ballot and eligibility checks from the register, validation, receipt hash, the
log line, the live tally and its event). Mounted only by bench.settings_ballot."""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as product_urlpatterns
from voting.models import Choice, Vote


@csrf_exempt
def bare_vote(request: HttpRequest) -> JsonResponse:
    body = json.loads(request.body)
    vote = Vote.objects.create(
        ballot_id=body["ballot"], resident_id=body["resident"], user_id=body["user"],
        client_id=body["client_id"],
    )  # fmt: skip
    Choice.objects.create(
        ballot_id=body["ballot"], vote=vote, selection=body["selection"], receipt=body["receipt"]
    )
    return JsonResponse({"vote": vote.pk}, status=201)


urlpatterns = [path("bench/bare-vote", bare_vote), *product_urlpatterns]
