import pytest

from saksrobot.archive import ArchiveCode, ExternalId, NewCase, Party
from saksrobot.simulators.archive.seed import DEMO_PERSONS

P13 = "Offl. § 13 jf. fvl. § 13 (1) nr.1"


def _pupil_folder(external_id: str) -> NewCase:
    fnr = DEMO_PERSONS[0]
    return NewCase(
        title="Elevmappe", unofficial_title="Elevmappe - Test Testesen", case_type="Elev", sub_archive="Elev",
        responsible_unit="Nordby skole", access_code="13", paragraph=P13, access_group="Nordby skole",
        archive_codes=(ArchiveCode(archive_type="FNR", code=fnr, sort=1, is_manual_text=True),
                       ArchiveCode(archive_type="FAGKLASSE PRINSIPP", code="B31", sort=2)),
        parties=(Party(reference=fnr, unofficial=True),), external_id=ExternalId.of("tests", external_id))


@pytest.fixture
def pupil_folder():
    """A factory of elevmappe cases (DOMAIN §1) with the given external id."""
    return _pupil_folder
