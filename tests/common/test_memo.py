import threading
import time

from common.memo import Memo, forget_all


def test_an_answer_is_kept_until_it_expires():
    memo = Memo("test", seconds=0.2)
    loads = []
    assert memo.get("k", lambda: loads.append(1) or "v") == "v"
    assert memo.get("k", lambda: loads.append(1) or "other") == "v"
    assert loads == [1]
    time.sleep(0.25)
    assert memo.get("k", lambda: "fresh") == "fresh"


def test_none_is_not_kept_so_a_miss_is_asked_again():
    memo = Memo("test", seconds=60)
    assert memo.get("k", lambda: None) is None
    assert memo.get("k", lambda: "now there") == "now there"


def test_forget_drops_one_key_everything_or_what_matches():
    memo = Memo("test", seconds=60)
    for key in ("a", "b", "c"):
        memo.get(key, lambda key=key: key.upper())
    memo.forget("a")
    assert memo.get("a", lambda: "reloaded") == "reloaded"
    memo.forget_where(lambda value: value == "B")
    assert memo.get("b", lambda: "reloaded") == "reloaded"
    assert memo.get("c", lambda: "unused") == "C"
    forget_all()
    assert memo.get("c", lambda: "reloaded") == "reloaded"


def test_a_load_that_raced_a_forget_is_not_kept():
    memo = Memo("test", seconds=60)
    loading, forgotten = threading.Event(), threading.Event()

    def slow_load() -> str:
        loading.set()
        forgotten.wait(5)
        return "read before the write"

    reader = threading.Thread(target=lambda: memo.get("k", slow_load))
    reader.start()
    loading.wait(5)
    memo.forget("k")  # the write happened while the read was in flight
    forgotten.set()
    reader.join(5)
    assert memo.get("k", lambda: "read after the write") == "read after the write"
