"""The ballot pages in English: every word of the page's own is translated; only what
people wrote (the question, options, topic, area names, minutes) stays as written."""

import re

import pytest

from tests.test_i18n import chinese_chrome, english_page
from tests.voting.conftest import cast, make_ballot, voter
from voting import services
from voting.rules import Rules

pytestmark = pytest.mark.django_db
WRITTEN = ("是否同意加装电梯", "加装电梯", "3号楼加装电梯方案", "东门", "西门", "南门", "赞成",
           "反对", "弃权", "议定加装")  # fmt: skip


def chrome(html: str) -> list[str]:
    html = re.sub(r"第[0-9-]+(社区|网格|街道)|示范区", "", html)
    for written in WRITTEN:
        html = html.replace(written, "")
    return chinese_chrome(html)


def test_the_ballot_page_and_its_results_are_in_english(client, areas, topic, clerk):
    ballot = make_ballot(
        topic, clerk, kind="ranked", rules=Rules(None, None),
        options=[services.OptionIn(x) for x in ("东门", "西门", "南门")],
    )  # fmt: skip
    user = voter(areas)
    page = english_page(client, user, f"/voting/{ballot.pk}/")
    assert chrome(page) == [] and "Cast my vote" in page
    cast(user, ballot, ballot.options.get(position=0).key)
    services.ballot_close(ballot=ballot, actor=clerk, minutes="议定加装")
    for suffix in ("", "results/", "notice/"):
        page = english_page(client, clerk, f"/voting/{ballot.pk}/{suffix}")
        assert chrome(page) == [], suffix


def test_a_yes_no_ballot_with_quorum_reads_in_english(client, areas, topic, clerk):
    ballot = make_ballot(topic, clerk)
    page = english_page(client, clerk, f"/voting/{ballot.pk}/")
    assert chrome(page) == [] and "Close voting and count" in page
    services.ballot_close(ballot=ballot, actor=clerk)
    page = english_page(client, clerk, f"/voting/{ballot.pk}/results/")
    assert chrome(page) == [] and "Pass threshold" in page


def test_the_setup_form_and_the_topic_section_are_in_english(client, areas, topic, clerk):
    make_ballot(topic, clerk)
    page = english_page(client, clerk, f"/voting/new/{topic.pk}/")
    assert chrome(page) == [] and "Set up a ballot" in page
    page = english_page(client, clerk, f"/topics/{topic.pk}/")
    section = page[page.index('class="card topic-ballots"') :]
    section = section[: section.index("</section>")]
    assert chrome(section) == [] and "Voting open" in section


def test_the_roster_is_in_english(client, areas, clerk):
    page = english_page(client, clerk, "/voting/representatives/")
    assert chrome(page) == [] and "Residents' representatives" in page
