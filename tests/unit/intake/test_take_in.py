"""Files become work items: keys by rule, re-deliveries, entries that are not files, huge files,
long names, and files moved when their item is settled (also by a later run after a crash)."""

import json
import os

import pytest

from saksrobot.database import make_engine
from saksrobot.errors import BusinessError, ConfigurationError
from saksrobot.intake import FileItems, Folder, KeyRule, sha256, take_in
from saksrobot.intake.folder import NAME_MAX, kind_of
from saksrobot.intake.take_in import FileRefused, check_source, read, settle
from saksrobot.workitems import State, WorkItemStore


@pytest.fixture
def items(tmp_path):
    store = WorkItemStore(make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    return FileItems(Folder(tmp_path / "soknader"), store, "soknader", pattern="*.json", settle_seconds=0,
                     max_bytes=1000)


def deliver(items, name: str, content: bytes | str) -> None:
    items.folder.inbox.mkdir(parents=True, exist_ok=True)
    (items.folder.inbox / name).write_bytes(content.encode() if isinstance(content, str) else content)


def settle_all(items, outcome):  # what Process Work Items does with each item
    settled = []
    while item := items.store.reserve(items.process):
        try:
            check_source(item, items.store)
            done = outcome(item)
            item = items.store.complete(item, done) if done is not None else items.store.hand_over(
                item, "manual", "Mangler tiltakshaver")
        except BusinessError as refused:
            item = items.store.hand_over(item, refused.code, refused.message)
        settle(item)
        settled.append(item)
    return settled


CONTENT = b'{"nr": "B-1"}'


@pytest.mark.parametrize(("rule", "key"), [("content", f"sha256:{sha256(CONTENT)[:32]}"),
                                           ("name", "a.json"), ("field:nr", "B-1")])
def test_keys_by_rule(items, rule, key):
    deliver(items, "a.json", CONTENT)
    assert items.take_in(KeyRule.parse(rule).key_of) == [key]
    assert items.take_in(KeyRule.parse(rule).key_of) == []  # taken in once


def test_an_unknown_key_rule_is_a_configuration_error():
    with pytest.raises(ConfigurationError, match="content, name or field"):
        KeyRule.parse("hash")


def test_done_files_go_to_processed_and_handed_over_ones_to_rejected_with_the_reason(items):
    deliver(items, "ok.json", '{"nr": "1"}')
    deliver(items, "bad.json", '{"nr": "2"}')
    deliver(items, "notes.txt", "not for this robot")
    items.take_in(KeyRule.parse("field:nr").key_of)
    settle_all(items, lambda item: {"case_number": "26/00001"} if item.key == "1" else None)
    assert sorted(p.name for p in items.folder.processed.iterdir()) == ["ok.json"]
    assert (items.folder.rejected / "bad.json.reason.txt").read_text().startswith("manual: Mangler tiltakshaver")
    assert [p.name for p in items.folder.inbox.iterdir()] == ["notes.txt"]  # not matching the pattern


def test_the_same_key_again_is_a_duplicate_once_the_first_was_done(items):
    deliver(items, "a.json", '{"nr": "7"}')
    items.take_in(KeyRule.parse("field:nr").key_of)
    settle_all(items, lambda item: {"case_number": "26/00007"})
    deliver(items, "a-again.json", '{"nr": "7", "resent": true}')
    [key] = items.take_in(KeyRule.parse("field:nr").key_of)
    assert key.startswith("7#")
    [again] = settle_all(items, lambda item: {"case_number": "26/00099"})
    assert (again.state, again.reason_code) == (State.MANUAL, "duplicate")
    assert "26/00007" in again.reason_text and (items.folder.rejected / "a-again.json").exists()


def test_entries_that_are_not_files_are_handed_over_and_moved_aside_never_followed(items, tmp_path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"nr": "S"}')
    items.folder.inbox.mkdir(parents=True)
    os.symlink(secret, items.folder.inbox / "link.json")
    (items.folder.inbox / "folder.json").mkdir()
    os.mkfifo(items.folder.inbox / "pipe.json")
    keys = items.take_in(KeyRule.parse("field:nr").key_of)
    assert len(keys) == 3 and all(k.startswith("sha256:") for k in keys)  # nothing read from them
    settled = settle_all(items, lambda item: pytest.fail("a handler must not get an entry that is not a file"))
    assert {(i.state, i.reason_code) for i in settled} == {(State.MANUAL, "not_a_file")}
    assert {p.name for p in items.folder.rejected.iterdir()} == {
        "link.json", "link.json.reason.txt", "folder.json", "folder.json.reason.txt", "pipe.json",
        "pipe.json.reason.txt"}
    assert (items.folder.rejected / "link.json").is_symlink() and secret.read_text() == '{"nr": "S"}'
    assert "snarvei" in (items.folder.rejected / "link.json.reason.txt").read_text()
    assert not list(items.folder.inbox.iterdir())


def test_a_file_swapped_for_a_link_after_it_was_taken_in_is_not_followed(items, tmp_path):
    deliver(items, "a.json", '{"nr": "1"}')
    items.take_in(KeyRule.parse("field:nr").key_of)
    secret = tmp_path / "secret.json"
    secret.write_text('{"nr": "1"}')  # the same content, so a look-up by hash would match it
    (items.folder.inbox / "a.json").unlink()
    os.symlink(secret, items.folder.inbox / "a.json")
    item = items.store.reserve("soknader")
    with pytest.raises(FileRefused) as refused:
        read(item, 1000)
    assert refused.value.code in ("file_missing", "not_a_file")


@pytest.mark.parametrize("swap", ["link", "other file"])
def test_a_file_swapped_between_listing_and_reading_is_not_read_now(items, tmp_path, monkeypatch, swap):
    deliver(items, "a.json", '{"nr": "1"}')
    secret = tmp_path / "secret.json"
    secret.write_text('{"nr": "S"}')
    def listed_then_swapped(entry):  # between the listing (lstat) and the reading
        odd = kind_of(entry)
        if swap == "link":
            (items.folder.inbox / "a.json").unlink()
            os.symlink(secret, items.folder.inbox / "a.json")
        else:  # made before the old one goes, so it cannot reuse its inode
            (items.folder.inbox / "b.tmp").write_text('{"nr": "2"}')
            os.replace(items.folder.inbox / "b.tmp", items.folder.inbox / "a.json")
        return odd

    monkeypatch.setattr(take_in, "kind_of", listed_then_swapped)
    assert items.take_in(KeyRule.parse("field:nr").key_of) == []  # neither followed nor read now
    monkeypatch.undo()
    keys = items.take_in(KeyRule.parse("field:nr").key_of)  # the next run sees what is there
    if swap == "link":
        assert len(keys) == 1 and keys[0].startswith("sha256:") and secret.read_text() == '{"nr": "S"}'
    else:
        assert keys == ["2"]


def test_a_file_too_large_is_handed_over_unread(items):
    deliver(items, "big.json", "x" * 1001)
    [key] = items.take_in(KeyRule.parse("field:nr").key_of)
    [item] = settle_all(items, lambda item: pytest.fail("not handled"))
    assert (item.state, item.reason_code) == (State.MANUAL, "too_large") and key.startswith("sha256:")


def test_a_name_at_the_file_system_limit_gets_its_reason_file(items):
    name = "a" * (NAME_MAX - len(".json")) + ".json"
    deliver(items, name, "{not json")
    items.take_in(KeyRule.parse("field:nr").key_of)
    settle_all(items, lambda item: None)
    reasons = [p for p in items.folder.rejected.iterdir() if p.name.endswith(".reason.txt")]
    assert len(reasons) == 1 and name in reasons[0].read_text()
    assert (items.folder.rejected / name).exists()


def test_a_file_left_in_the_inbox_by_a_run_that_died_after_settling_is_moved_by_the_next(items):
    deliver(items, "a.json", json.dumps({"nr": "1"}))
    items.take_in(KeyRule.parse("field:nr").key_of)
    item = items.store.reserve("soknader")
    items.store.complete(item, {"case_number": "26/00001"})  # then the robot died before moving the file
    assert items.take_in(KeyRule.parse("field:nr").key_of) == []
    assert (items.folder.processed / "a.json").exists() and not (items.folder.inbox / "a.json").exists()


def test_items_not_taken_in_from_a_folder_pass_the_checks_and_stay_where_they_are(items):
    item, _ = items.store.add("soknader", "X", {"file": "x.json"})
    check_source(item, items.store)
    settle(items.store.complete(items.store.reserve("soknader"), {}))
    assert not items.folder.root.exists()


def test_files_still_settling_are_left_with_a_warning_not_silently(tmp_path, caplog):
    items = FileItems(Folder(tmp_path / "soknader"), WorkItemStore(make_engine(f"sqlite:///{tmp_path / 'db'}")),
                      "soknader", pattern="*.json", settle_seconds=60)
    deliver(items, "a.json", CONTENT)
    assert items.take_in(KeyRule.parse("name").key_of) == []
    assert "1 file(s)" in caplog.text and "left for the next run" in caplog.text
