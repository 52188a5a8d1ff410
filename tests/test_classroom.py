"""The ready-made classroom setup in docs/classroom/: the GitHub Classroom workflow parses, gives every exercise a test
of one point reported by the grading reporter, and the commands it runs work on a student's file; the example
course.json is one the grader accepts."""

import json
import re
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

from micrograd import exercises
from micrograd.cli import build_parser
from micrograd.exercises import grader

from conftest import run_micrograd

CLASSROOM = Path(__file__).resolve().parent.parent / "docs" / "classroom"
WORKFLOW = yaml.safe_load((CLASSROOM / "classroom.yml").read_text())
STEPS = WORKFLOW["jobs"]["run-autograding-tests"]["steps"]
GRADERS = [step for step in STEPS if step.get("uses", "").startswith("classroom-resources/autograding-command-grader")]


def test_every_exercise_is_a_test_worth_one_point():
    commands = [step["with"]["command"] for step in GRADERS]
    assert commands == [
        f"micrograd exercises check {e.number} --file micrograd_exercises.py" for e in exercises.EXERCISES
    ]
    assert all(step["with"]["max-score"] == 1 for step in GRADERS)


def test_the_reporter_reads_every_tests_result():
    reporter = next(step for step in STEPS if "autograding-grading-reporter" in step.get("uses", ""))
    ids = [step["id"] for step in GRADERS]
    assert reporter["with"]["runners"].split(",") == ids
    assert set(reporter["env"]) == {f"{step_id.upper()}_RESULTS" for step_id in ids}
    assert all(reporter["env"][f"{i.upper()}_RESULTS"] == f"${{{{steps.{i}.outputs.result}}}}" for i in ids)


def test_every_command_of_the_workflow_is_one_the_command_line_takes():
    for step in GRADERS:
        args = build_parser().parse_args(shlex.split(step["with"]["command"])[1:])
        assert args.action == "check" and args.target == str(GRADERS.index(step) + 1)


def test_the_workflow_commands_work_on_a_students_file(tmp_path):
    (tmp_path / "micrograd_exercises.py").write_text(exercises.SOLUTIONS.read_text())
    (tmp_path / "course.json").write_text((CLASSROOM / "course.json").read_text())
    for step in (GRADERS[0], GRADERS[-1]):
        status, out, _ = run_micrograd(*shlex.split(step["with"]["command"])[1:], cwd=tmp_path)
        assert status == 0 and "passes" in out
    report_step = next(step for step in STEPS if "--json" in step.get("run", ""))
    command = shlex.split(report_step["run"].split("||")[0])
    status, out, _ = run_micrograd(*command[1:], cwd=tmp_path)
    report = json.loads(out)
    jsonschema.validate(report, json.loads((CLASSROOM / "grades.schema.json").read_text()))
    assert status == 0 and report["students"][0]["score"] == len(exercises.EXERCISES)


def test_the_example_course_file_hides_solutions_and_gives_two_hints():
    course = grader.read_course(CLASSROOM)
    assert (course.solutions, course.hints) == (False, 2)
    assert course.exercises == tuple(e.number for e in exercises.EXERCISES)


@pytest.mark.parametrize("language", ["en", "pt-BR"])
def test_the_guides_page_commands_make_the_pages_they_describe(tmp_path, language):
    guide = (CLASSROOM.parent / language / "teach" / "index.md").read_text()
    commands = re.findall(r'micrograd graph "[^"]+" --set [^`\n]+', guide)
    assert len(commands) == 3
    for command in commands:
        status, _, err = run_micrograd(*shlex.split(command)[1:], cwd=tmp_path)
        assert status == 0, err
        assert (tmp_path / shlex.split(command)[shlex.split(command).index("--html") + 1]).is_file()
