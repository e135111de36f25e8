"""The archive's shape of a pupil's or child's folder and of a PPT case, and the rules a referral
to PPT must meet before it is filed (DOMAIN §1-§2). Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from saksrobot.archive.models import ArchiveCode, Category, ExternalId, FileAttachment, NewCase, NewJournalPost, Party
from saksrobot.domain.identity import InvalidIdentityNumber, PersonalId, parse_fnr
from saksrobot.errors import BusinessError
from saksrobot.schooladmin.models import Child, ChildKind, Guardian, Referral, ReferredChild

P13 = "Offl. § 13 jf. fvl. § 13 (1) nr.1"
SELF_REFERRAL_AGE = 15  # a pupil of 15 or more may refer themself without the guardians' consent
ORGANISATIONS = ("skole", "barnehage", "helsestasjon", "barnevern")
# (title, case type, sub-archive) of a folder
FOLDERS = {ChildKind.PUPIL: ("Elevmappe", "Elev", "Elev"), ChildKind.KINDERGARTEN: ("Barnemappe", "Barn", "Barn")}


class NoConsent(BusinessError):
    code = "no_consent"


class NotInRegister(BusinessError):
    code = "not_in_register"


def folder_title(kind: ChildKind) -> str:
    return FOLDERS[kind][0]


def folder_case_type(kind: ChildKind) -> str:
    return FOLDERS[kind][1]


def folder_case(child: Child, external_id: ExternalId) -> NewCase:
    """The elevmappe / barnemappe of a child: FNR + B31 classes, screened by § 13, the school's
    (kindergarten's) access group, the child as an unofficial party."""
    title, case_type, sub_archive = FOLDERS[child.kind]
    return NewCase(
        title=title, unofficial_title=f"{title} - {child.full_name}", case_type=case_type, sub_archive=sub_archive,
        responsible_unit=child.unit.name, access_code="13", paragraph=P13, access_group=child.unit.access_group,
        archive_codes=(ArchiveCode(archive_type="FNR", code=child.fnr, sort=1, is_manual_text=True),
                       ArchiveCode(archive_type="FAGKLASSE PRINSIPP", code="B31", sort=2)),
        parties=(Party(reference=child.fnr, role="Sakspart", unofficial=True),),
        external_id=external_id)


def ppt_case(child: ReferredChild, responsible_unit: str, access_group: str, external_id: ExternalId) -> NewCase:
    """A child's PPT case: classified by fnr, public title without the name, screened by § 13."""
    return NewCase(
        title="PPT-sak", unofficial_title=f"PPT-sak - {child.full_name}", case_type="PPT", sub_archive="PPT",
        responsible_unit=responsible_unit, access_code="13", paragraph=P13, access_group=access_group,
        archive_codes=(ArchiveCode(archive_type="FNR", code=child.fnr, sort=1, is_manual_text=True),),
        parties=(Party(reference=child.fnr, role="Sakspart", unofficial=True),),
        external_id=external_id)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _consenting(guardians: tuple[Guardian, ...]) -> tuple[int, int]:
    """(consented, needed): every guardian with parental responsibility must consent."""
    needed = [g for g in guardians if g.parental_responsibility] or list(guardians)
    return sum(g.consent for g in needed), len(needed)


def check_referral(referral: Referral, *, allow_synthetic: bool, allow_h_number: bool) -> PersonalId:
    """The checks before filing: a valid fødselsnummer, and consent (a pupil of 15 or more may refer
    themself). Raises a business error whose message tells archive staff what is missing."""
    try:
        child_id = parse_fnr(referral.child.fnr, allow_synthetic=allow_synthetic, allow_h_number=allow_h_number)
    except InvalidIdentityNumber as exc:
        raise InvalidIdentityNumber(f"Barnets fødselsnummer er ugyldig ({exc.message.split(': ')[-1]})") from None
    if referral.referrer.kind == "eleven selv":
        if age_on(child_id.birth_date, referral.received.date()) >= SELF_REFERRAL_AGE:
            return child_id
        consented, needed = _consenting(referral.guardians)
        if needed == 0 or consented < needed:
            raise NoConsent("Eleven er under 15 år og kan ikke henvise seg selv uten samtykke fra foresatte")
        return child_id
    consented, needed = _consenting(referral.guardians)
    if needed == 0:
        raise NoConsent("Mangler samtykke fra foresatte (ingen foresatte oppgitt)")
    if consented < needed:
        raise NoConsent(f"Mangler samtykke fra foresatte ({consented} av {needed} har samtykket)")
    return child_id


def referral_fingerprint(referral: Referral) -> str:
    """A hash of what the sender wrote (not the inbox id or time): the same referral sent twice
    has the same fingerprint. Irreversible in practice: it covers free text too."""
    content = referral.model_dump(mode="json", exclude={"id", "received", "status", "case_number", "attachments"})
    content["attachments"] = sorted((a.title, a.filename) for a in referral.attachments)
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def sending_guardian(referral: Referral) -> Guardian | None:
    """The guardian who referred (by the referrer's name, else the first with a fødselsnummer)."""
    if referral.referrer.kind != "foresatte":
        return None
    with_number = [g for g in referral.guardians if g.fnr]
    named = [g for g in with_number if g.name.casefold() == referral.referrer.name.casefold()]
    return (named or with_number or [None])[0]


def referral_sender(referral: Referral) -> Party:
    """The sender of the journal post: the referring school/kindergarten/service by orgnr, or the
    guardian or pupil who referred (screened)."""
    referrer = referral.referrer
    if referrer.kind == "eleven selv":
        return Party(reference=referral.child.fnr, role="Avsender", unofficial=True)
    if referrer.kind == "foresatte":
        guardian = sending_guardian(referral)
        if guardian is None or not guardian.fnr:
            raise BusinessError("Henvisningen fra foresatte mangler foresattes fødselsnummer", code="no_sender")
        return Party(reference=guardian.fnr, role="Avsender", unofficial=True)
    if not referrer.orgnr:
        raise BusinessError(f"Henviser «{referrer.name}» mangler organisasjonsnummer", code="no_sender")
    return Party(reference=referrer.orgnr, role="Avsender", unofficial=False)


def referral_post(referral: Referral, case_number: str, access_group: str,
                  files: tuple[FileAttachment, ...]) -> NewJournalPost:
    """The referral as a screened incoming journal post in the child's PPT case."""
    return NewJournalPost(
        case_number=case_number, title="Henvisning til PPT", category=Category.INCOMING,
        unofficial_title=f"Henvisning til PPT - {referral.child.full_name} ({referral.referral_type})",
        document_date=referral.received.date(), access_code="13", paragraph=P13, access_group=access_group,
        archive="Saksdokument", contacts=(referral_sender(referral),), files=files,
        external_id=ExternalId.of("ppt_referrals", referral.id))
