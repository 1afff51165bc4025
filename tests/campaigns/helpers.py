"""Shared builders for the campaign tests: the seed 001 campaign entered through the import."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from campaigns.models import Campaign
from campaigns.service import NewCampaign, add_phase, create_campaign
from directory.models import User

SEEDS = Path(__file__).parent / "seeds"
SEED_000 = SEEDS / "000_deb4e38b1e9aec0d.txt"
SEED_001 = SEEDS / "001_bde7776c8c36b63e.txt"


def seed_001_task_rows() -> list[tuple[str, str, str]]:
    """The 任务分工表 of seed 001 as printed: (序号, 重点任务, 责任处室), tab separated."""
    text = SEED_001.read_text(encoding="utf-8")
    table = text[text.index("序号\t重点任务\t责任处室") :]
    rows = []
    for line in table.splitlines()[1:]:
        if re.match(r"^\d+\t", line):
            seq, task, offices = line.split("\t")
            rows.append((seq, task.strip(), offices.strip()))
    return rows


def seed_001_csv() -> bytes:
    lines = ["序号,重点任务,责任处室"]
    lines += [f'{seq},{task},"{offices}"' for seq, task, offices in seed_001_task_rows()]
    return "\n".join(lines).encode()


def shaanxi_campaign(db: Session, actor: User) -> Campaign:
    campaign = create_campaign(
        db,
        actor,
        NewCampaign(
            name="2020年全省卫生健康行业作风专项整治行动",
            doc_number="陕卫办医发〔2020〕36号",
            starts_on=date(2020, 7, 15),
            ends_on=date(2020, 12, 31),
        ),
    )
    add_phase(db, actor, campaign, "全面清查、集中整治", date(2020, 7, 15), date(2020, 8, 31))
    add_phase(db, actor, campaign, "专项督查、巩固提高", date(2020, 9, 1), date(2020, 10, 31))
    add_phase(db, actor, campaign, "总结通报", date(2020, 11, 1), date(2020, 12, 31))
    return campaign
