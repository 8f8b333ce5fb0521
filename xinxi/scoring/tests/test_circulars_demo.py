"""The demo: the province desk's January circular is waiting as a draft that names the zero units."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from docx import Document

from xinxi.instructions.levels import seed_default_levels
from xinxi.scoring import circulars_documents
from xinxi.scoring.models import Circular, CircularState

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_january_draft_with_its_tables_and_charts(db):
    seed_default_levels()
    call_command("load_demo", verbosity=0, stdout=StringIO())
    call_command("load_demo_items", stdout=StringIO())
    call_command("load_demo_scores", stdout=StringIO())
    circular = Circular.objects.select_related("desk__unit").get()
    assert (circular.desk.unit.name, circular.state) == ("东海省委办公厅", CircularState.DRAFT)
    assert circular.title == "关于2026年1月信息报送采用情况的通报"  # the tests' today is 2026-12-01
    assert circular.figures["zero"] and "得分为零的单位是：" in circular.body
    doc = Document(io.BytesIO(circulars_documents.circular_docx(circular)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert circular.figures["zero"][0] in text and len(doc.inline_shapes) == 2
    ranking = [row.cells[1].text for row in doc.tables[0].rows[1:]]
    assert ranking == [r["unit"] for r in circular.figures["rows"]]
