"""Demo: the demo province's own hotlines and addresses on the portal's public notice.

Plausible but fictional (示范省; the 0100 area code is not in use), never a seed's.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import User
from tips.portal_contacts import set_portal_contacts

HOTLINES = (
    "示范省卫生健康委员会行风举报电话：0100-55501234（工作日 8:30—12:00，14:30—17:30）",
    "清河县卫生健康局纪检监察室：0100-55502345",
    "卫生健康服务热线：12320",
)
ADDRESSES = (
    "来信请寄：示范省示范市人民路 1 号 示范省卫生健康委员会行风建设办公室（邮编 100000）",
    "来访接待：清河县卫生健康局一楼信访接待室（工作日 9:00—11:30）",
)


def load_demo(session: Session) -> None:
    admin = session.scalar(select(User).where(User.username == "admin"))
    if admin is None:
        return
    set_portal_contacts(
        session, admin, hotlines="\n".join(HOTLINES), addresses="\n".join(ADDRESSES)
    )
