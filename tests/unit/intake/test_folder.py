"""The delivery folder: files found wherever they are, moved once, both kept when a name comes twice."""

from saksrobot.intake import Folder, sha256


def test_files_move_once_and_are_found_wherever_they_are(tmp_path):
    inbox = Folder(tmp_path)
    inbox.create()
    (inbox.inbox / "a.xml").write_bytes(b"<a/>")
    (inbox.inbox / "b.xml.part").write_bytes(b"half")  # still being delivered
    (inbox.inbox / ".hidden").write_bytes(b"x")
    assert [p.name for p in inbox.entries()] == ["a.xml"]
    digest = sha256(b"<a/>")
    moved = inbox.move_rejected(inbox.find("a.xml", digest), "not_xml: Filen er ikke XML")
    assert moved == inbox.rejected / "a.xml" and not (inbox.inbox / "a.xml").exists()
    assert (inbox.rejected / "a.xml.reason.txt").read_text().startswith("not_xml")
    assert inbox.find("a.xml", digest) == moved
    assert inbox.move_rejected(moved, "again") == moved  # a re-run moves nothing


def test_a_name_delivered_twice_keeps_both_files(tmp_path):
    inbox = Folder(tmp_path)
    inbox.create()
    (inbox.inbox / "f.xml").write_bytes(b"one")
    inbox.move_processed(inbox.inbox / "f.xml")
    (inbox.inbox / "f.xml").write_bytes(b"two")
    second = inbox.move_processed(inbox.inbox / "f.xml")
    assert second.name == f"f.{sha256(b'two')[:8]}.xml"
    assert inbox.find("f.xml", sha256(b"two")) == second and inbox.find("f.xml", sha256(b"one")).name == "f.xml"
