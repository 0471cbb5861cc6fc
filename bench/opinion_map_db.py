"""Time the background job's whole run for one topic (opinions.compute.compute_topic):
read the votes, compute the map, write the snapshot and the memberships — on a database
of its own: SpatiaLite in a temporary file, or PostGIS in `gz_bench_opinions` (dropped and
recreated; PostgreSQL with PostGIS at 127.0.0.1:5432, user postgres).

    .venv/bin/python bench/opinion_map_db.py --database spatialite [--participants 1000]
        [--statements 50] [--runs 5]

The votes are bench/opinion_map.py's synthetic topic, written with bulk inserts.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POSTGIS = "postgis://postgres@127.0.0.1:5432/gz_bench_opinions"


def _database(kind: str, tmp: str) -> str:
    if kind == "spatialite":
        return f"spatialite:///{tmp}/opinions.sqlite3"
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute('DROP DATABASE IF EXISTS "gz_bench_opinions" WITH (FORCE)')
        db.execute('CREATE DATABASE "gz_bench_opinions"')
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/gz_bench_opinions") as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return POSTGIS


def _topic(participants: int, statements: int):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from accounts.models import User
    from bench.opinion_map import synthetic
    from consultation.models import InitiatorKind, Phase, Topic, TopicStatus
    from grid.services import area_save
    from opinions.models import Moderation, Statement, StatementVote

    square = MultiPolygon(Polygon.from_bbox((121.4, 31.2, 121.5, 31.3)), srid=4326)
    area, _ = area_save(code="310101", name="示范区", boundary=square)
    clerk = User.objects.create(username="bench-clerk", password="!")
    topic = Topic.objects.create(
        area=area, title="bench", description="bench", initiator=clerk,
        initiator_kind=InitiatorKind.STAFF, status=TopicStatus.AGENDA, phase=Phase.DELIBERATE,
    )  # fmt: skip
    rows = Statement.objects.bulk_create(
        Statement(topic=topic, text=f"观点{i}", author=clerk, state=Moderation.ACCEPTED)
        for i in range(statements)
    )
    users = User.objects.bulk_create(
        User(username=f"v{i}", password="!") for i in range(participants)
    )
    votes = synthetic(participants, statements)
    StatementVote.objects.bulk_create(
        (
            StatementVote(statement=rows[j], participant=users[i], choice=int(votes[i, j]))
            for i in range(participants)
            for j in range(statements)
            if votes[i, j] == votes[i, j]  # not NaN: seen
        ),
        batch_size=2000,
    )
    return topic, StatementVote.objects.count()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("spatialite", "postgis"), default="spatialite")
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--statements", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gz_bench_") as tmp:
        os.environ["DATABASE_URL"] = _database(args.database, tmp)
        os.environ["GONGZHI_VAR_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from opinions.compute import compute_topic, topics_due

        topic, count = _topic(args.participants, args.statements)
        started = time.perf_counter()
        assert topics_due() == [topic]
        due_ms = (time.perf_counter() - started) * 1000
        runs, inside = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            snapshot = compute_topic(topic)
            runs.append((time.perf_counter() - started) * 1000)
            inside.append(snapshot.duration_ms)
        print(
            f"{args.database}: {args.participants} participants × {args.statements} statements, "
            f"{count} votes, {args.runs} runs: "
            f"compute_topic median {statistics.median(runs):.0f} ms, "
            f"worst {max(runs):.0f} ms (read + compute median {statistics.median(inside):.0f} ms); "
            f"topics_due {due_ms:.0f} ms; {len(snapshot.groups)} groups"
        )


if __name__ == "__main__":
    main()
