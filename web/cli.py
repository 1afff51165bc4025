"""The ``qingfeng`` console script: Flask's CLI plus each package's commands."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from directory.cli import COMMANDS as DIRECTORY_COMMANDS
from tips.cli import COMMANDS as TIPS_COMMANDS


def _create_app():
    from web.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """清风 — 行风问题线索工作平台。"""


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """启动内置服务器（嵌入式 SQLite 部署）；生产环境请用 gunicorn，见 README。"""
    from werkzeug.serving import run_simple

    app = _create_app()
    click.echo(f"清风已启动：http://{host}:{port}/  （按 Ctrl+C 停止）")
    run_simple(host, port, app, threaded=True, use_reloader=False)


for command in [*DIRECTORY_COMMANDS, *TIPS_COMMANDS]:
    main.add_command(command)
