"""WSJF inputs read from a Jira export's custom fields, off-scale values reported per row."""

from pathlib import Path

from backlog.imports.jira_csv import jira_csv_read
from backlog.imports.wsjf_columns import RowProblem, wsjf_headers, wsjf_inputs_read

FIXTURES = Path(__file__).parent / "fixtures"


def test_wsjf_custom_fields_are_found_by_name():
    jira = jira_csv_read((FIXTURES / "off_scale_wsjf.csv").read_bytes())
    assert wsjf_headers(jira.headers) == {
        "user_business_value": "Custom field (User-Business Value)",
        "time_criticality": "Custom field (Time Criticality)",
        "risk_reduction": "Custom field (RR|OE)",
        "job_size": "Custom field (Job Size)",
    }


def test_plain_and_long_names_match_too():
    headers = ["Business Value", "Custom field (Risk Reduction | Opportunity Enablement)", "Job size"]
    assert wsjf_headers(headers) == {
        "user_business_value": "Business Value",
        "risk_reduction": "Custom field (Risk Reduction | Opportunity Enablement)",
        "job_size": "Job size",
    }


def test_values_on_the_scale_are_read():
    jira = jira_csv_read((FIXTURES / "off_scale_wsjf.csv").read_bytes())
    values, problems = wsjf_inputs_read(jira, jira.rows[0])
    assert values == {"user_business_value": 8, "time_criticality": 3, "risk_reduction": 1, "job_size": 5}
    assert problems == []


def test_off_scale_values_are_reported_per_row_and_never_rounded():
    jira = jira_csv_read((FIXTURES / "off_scale_wsjf.csv").read_bytes())
    values, problems = wsjf_inputs_read(jira, jira.rows[1])
    assert values == {"risk_reduction": 1}
    assert [(p.row, p.column) for p in problems] == [
        (3, "Custom field (User-Business Value)"),
        (3, "Custom field (Time Criticality)"),
        (3, "Custom field (Job Size)"),
    ]
    assert problems[0].message.startswith("7 is not on the scale 1, 2, 3, 5, 8, 13, 20")


def test_jira_number_format_and_empty_cells():
    jira = jira_csv_read(b"Summary,Job Size,Time Criticality,RR|OE\r\nA,8.0,,7.5\r\n")
    values, problems = wsjf_inputs_read(jira, jira.rows[0])
    assert values == {"job_size": 8}
    assert problems == [
        RowProblem(
            2, "RR|OE", "7.5 is not on the scale 1, 2, 3, 5, 8, 13, 20; not imported (popm does not round)"
        )
    ]
