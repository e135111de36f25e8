"""Users: ``email``, where the control room's alerts are sent, and ``oidc_subject``, the identity
(issuer and subject) of a user who logs in through the municipality's OpenID Connect provider.
Users of before keep their passwords and have neither until an admin (or their first single
sign-on) gives it.

Revision ID: 0009
Revises: 0008
Created: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("web_users") as batch:
        batch.add_column(sa.Column("email", sa.String(320), nullable=True))
        batch.add_column(sa.Column("oidc_subject", sa.String(400), nullable=True))
        batch.create_unique_constraint("uq_web_users_oidc_subject", ["oidc_subject"])
