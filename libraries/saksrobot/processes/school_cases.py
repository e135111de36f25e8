"""school_cases: a new pupil or kindergarten child gets one elevmappe / barnemappe in the archive,
and its case number is recorded in the school-admin system."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from saksrobot.archive import Archive, CaseQuery, ExternalId, PrivatePerson
from saksrobot.domain.identity import InvalidIdentityNumber, parse_fnr
from saksrobot.domain.school import folder_case, folder_case_type, folder_title
from saksrobot.errors import BusinessError
from saksrobot.schooladmin import SchoolAdmin
from saksrobot.settings import IdentitySettings

log = logging.getLogger(__name__)
PROCESS = "school_cases"


@dataclass
class SchoolCases:
    archive: Archive
    school: SchoolAdmin
    identity: IdentitySettings

    def new_children(self) -> list[str]:
        """Ids of the pupils and children still lacking a folder (the business keys of the items)."""
        return self.school.children_without_folder()

    def make_folder(self, child_id: str) -> dict[str, object]:
        """Find or create the child's folder and record it in the school-admin system.

        One folder per child: a folder found in the archive by the child's fødselsnummer (made by
        hand, or by a run that died before recording it) is recorded instead of a new one made.
        """
        child = self.school.child(child_id)
        if child.folder_case_number:
            return {"case_number": child.folder_case_number, "created": False}
        try:
            parse_fnr(child.fnr, allow_synthetic=self.identity.allow_synthetic_fnr,
                      allow_h_number=self.identity.allow_h_number)
        except InvalidIdentityNumber as exc:
            raise InvalidIdentityNumber(f"Fødselsnummeret i registeret er ugyldig ({exc.message.split(': ')[-1]}); "
                                        "rett det i oppvekstsystemet og send saken tilbake til roboten "
                                        "(saksrobot queue requeue)") from None
        found = [c for c in self.archive.find_cases(CaseQuery(contact_reference=child.fnr,
                                                              case_type=folder_case_type(child.kind)))
                 if c.title == folder_title(child.kind)]
        if len(found) > 1:
            raise BusinessError(f"Barnet har {len(found)} mapper i arkivet "
                                f"({', '.join(c.case_number for c in found)}); velg én", code="several_folders")
        if found:
            case_number, created = found[0].case_number, False
        else:
            self.archive.synchronize_person(PrivatePerson(personal_id_number=child.fnr, first_name=child.first_name,
                                                          last_name=child.last_name, address=child.address))
            result = self.archive.create_case(folder_case(child, external_id=ExternalId.of(PROCESS, child.id)))
            case_number, created = result.case_number, result.created
        self.school.record_folder(child.id, case_number)
        log.info("%s: folder %s %s", child.id, case_number, "created" if created else "found in the archive")
        return {"case_number": case_number, "created": created}
