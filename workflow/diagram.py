"""``qingfeng workflow diagram NAME``: the mermaid diagram generated from a lifecycle's table."""

from __future__ import annotations

import click

from workflow.lifecycle import LIFECYCLES


@click.group("workflow")
def workflow_group() -> None:
    """业务流程（状态机）相关命令。"""


@workflow_group.command("diagram")
@click.argument("name")
def diagram_command(name: str) -> None:
    """输出流程的 mermaid 状态图（由同一张流转表生成）。"""
    lifecycle = LIFECYCLES.get(name)
    if lifecycle is None:
        raise click.ClickException(f"未知的流程“{name}”，可选：{', '.join(sorted(LIFECYCLES))}")
    click.echo(lifecycle.mermaid(), nl=False)


COMMANDS = [workflow_group]
