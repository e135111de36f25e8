"""The school-admin simulator (Public Oppvekst style): pupils, kindergarten children and referrals to PPT."""
