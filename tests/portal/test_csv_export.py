"""portal.csv_export: the CSV downloads of the staff and centre reports."""

from __future__ import annotations

import csv
import io

from portal.csv_export import csv_cell, csv_response


def test_csv_cells_starting_a_formula_are_escaped() -> None:
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("+1") == "'+1"
    assert csv_cell("-1") == "'-1"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("\tTAB") == "'\tTAB"
    assert csv_cell("Plain") == "Plain"
    assert csv_cell(3) == "3"
    assert csv_cell(None) == ""


def test_the_response_is_a_streamed_attachment_with_safe_cells() -> None:
    response = csv_response("report.csv", ["Name", "Days"], iter([["=1+1", 3], [None, -2]]))
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="report.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(text))) == [["Name", "Days"], ["'=1+1", "3"], ["", "'-2"]]
