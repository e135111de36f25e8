"""Folder intake: files delivered into ``<folder>/inbox/`` become work items; when an item is
settled its file moves to ``processed/`` or to ``rejected/`` with a reason file beside it.
Nothing is deleted; hostile entries (links, folders, devices, huge files) are refused with a
reason. Used by the invoice robot and by any folder-fed robot (:class:`FolderIntakeLibrary`)."""

from saksrobot.intake.folder import PARTIAL, Folder, file_sha256, sha256
from saksrobot.intake.take_in import FileItems, KeyRule

__all__ = ["PARTIAL", "FileItems", "Folder", "KeyRule", "file_sha256", "sha256"]
