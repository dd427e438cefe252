"""The obligations table: live total in figures and 大写, messages for bad amounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from desktop.domain.errors import ValidationError
from desktop.services.dto import ObligationInput
from desktop.ui.case.obligations import ObligationsTable
from desktop.ui.qt import QDate

pytestmark = pytest.mark.gui


@pytest.fixture
def table(qtbot):
    widget = ObligationsTable()
    widget.set_parties([(1, "王𠮷"), (2, "李四")])
    widget.resize(1000, 300)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_total_in_capitals_follows_typing(qtbot, table):
    assert table.total_label.text() == "合计 ¥0.00（人民币零元整）"
    table.add_row()
    qtbot.keyClicks(table.amount_edit(0), "10000")
    assert table.total_label.text() == "合计 ¥10,000.00（人民币壹万元整）"
    table.add_row()
    qtbot.keyClicks(table.amount_edit(1), "2,000")
    assert table.total_label.text() == "合计 ¥12,000.00（人民币壹万贰仟元整）"
    qtbot.keyClicks(table.amount_edit(1), ".5")
    assert table.total_label.text() == "合计 ¥12,000.50（人民币壹万贰仟元零伍角整）"


def test_bad_amount_is_marked_and_left_out_of_the_total(qtbot, table):
    table.add_row()
    table.add_row()
    qtbot.keyClicks(table.amount_edit(0), "300")
    qtbot.keyClicks(table.amount_edit(1), "12.345")
    assert table.amount_edit(1).property("invalid") is True
    assert table.error_label.full_text() == "第 2 项：金额最多两位小数（精确到分），请修改。"
    assert table.total() == Decimal("300.00")
    with pytest.raises(ValidationError) as err:
        table.save()
    assert err.value.field == "obligations[1].amount"
    table.amount_edit(1).clear()
    assert not table.error_label.is_error()


def test_load_save_round_trip_and_party_rename(qtbot, table):
    items = [
        ObligationInput("赔偿医疗费", 2, 1, Decimal("8000.00"), "银行转账", dt.date(2026, 12, 10)),
        ObligationInput("赔礼道歉", 2, 1, None, "当面", None),
    ]
    table.load(items)
    assert table.save() == items
    table.set_parties([(1, "王𠮷（申请人）"), (2, "李四（被申请人）")])
    assert table.save() == items
    assert table._combo(0, 0).currentText() == "李四（被申请人）"
    table.table.selectRow(1)
    table.remove_selected()
    assert table.save() == items[:1]
    table.table.cellWidget(0, 5).setDate(QDate(2027, 1, 5))
    assert table.save()[0].deadline == dt.date(2027, 1, 5)
