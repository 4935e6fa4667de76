"""Reading and checking the modules in content/modules: metadata, lessons in every language, the question bank."""
import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import frontmatter
import yaml

from ..content import LANGUAGES, Checker, ContentError, parse_version_fields, read_mapping, read_yaml
from ..security import Role
from .models import QuestionKind
from .scenarios import SCENARIOS

KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
RESERVED_SLUGS = frozenset({"report", "analysis", "attempts"})
TAGS = frozenset([f"promise-{n}" for n in range(1, 7)] + [f"standard-{n}" for n in range(1, 5)])
ATTESTABLE = frozenset({"promise", "standards", "code-of-conduct"})
MODULE_FIELDS = ("title", "summary", "audience", "due_within_days", "pass_mark", "attempts_allowed",
                 "questions_per_attempt", "lessons")
FEWEST_OPTIONS, MOST_OPTIONS = 3, 6
TRUE_FALSE_TEXT = {"true": {"en": "True", "fr": "Vrai"}, "false": {"en": "False", "fr": "Faux"}}


@dataclass(frozen=True)
class OptionSource:
    key: str
    text: dict
    feedback: dict
    correct: bool


@dataclass(frozen=True)
class QuestionSource:
    key: str
    kind: QuestionKind
    tags: tuple[str, ...]
    prompt: dict
    options: tuple[OptionSource, ...]
    scenario: str | None = None
    scenario_feedback: dict | None = None


@dataclass(frozen=True)
class LessonSource:
    slug: str
    title: dict
    markdown: dict


@dataclass(frozen=True)
class ModuleSource:
    slug: str
    major: int
    minor: int
    effective_date: date
    change: str
    title: dict
    summary: dict
    audience: tuple[str, ...]
    due_within_days: int
    pass_mark: int
    attempts_allowed: int
    questions_per_attempt: int
    attests: str | None
    lessons: tuple[LessonSource, ...]
    questions: tuple[QuestionSource, ...]

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def checksum(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), default=str, sort_keys=True).encode()).hexdigest()


def _lesson(folder: Path, slug, problems: list[str]) -> LessonSource | None:
    if not isinstance(slug, str) or not KEY.match(slug):
        problems.append(f"{folder / 'module.yaml'}: lessons: {slug!r} is not a lesson name (letters, digits, hyphens)")
        return None
    titles, bodies = {}, {}
    for language in LANGUAGES:
        path = folder / "lessons" / slug / f"{language}.md"
        try:
            post = frontmatter.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            problems.append(f"{path}: file is missing (the {language} text of lesson {slug})")
            continue
        except (UnicodeDecodeError, yaml.YAMLError) as error:
            problems.append(f"{path}: cannot be read ({error.__class__.__name__})")
            continue
        if not str(post.metadata.get("title") or "").strip() or not post.content.strip():
            problems.append(f"{path}: needs a title in its front matter and some text")
            continue
        titles[language], bodies[language] = str(post.metadata["title"]).strip(), post.content.strip() + "\n"
    if len(titles) != len(LANGUAGES):
        return None
    return LessonSource(slug, titles, bodies)


def _options(check: Checker, where: str, question: dict, kind: QuestionKind) -> tuple[OptionSource, ...]:
    if kind is QuestionKind.TRUE_FALSE:
        answer = question.get("answer")
        feedback = question.get("feedback") if isinstance(question.get("feedback"), dict) else {}
        if not isinstance(answer, bool):
            check.fail(where, "a true or false question needs `answer: true` or `answer: false` (its right answer)")
            return ()
        right, wrong = check.texts(feedback.get("right"), f"{where} feedback right"), \
            check.texts(feedback.get("wrong"), f"{where} feedback wrong")
        return tuple(OptionSource(key, TRUE_FALSE_TEXT[key], right if (key == "true") == answer else wrong,
                                  (key == "true") == answer) for key in ("true", "false"))
    options = question.get("options")
    if not isinstance(options, list) or not FEWEST_OPTIONS <= len(options) <= MOST_OPTIONS:
        check.fail(where, f"needs from {FEWEST_OPTIONS} to {MOST_OPTIONS} options")
        return ()
    found = []
    for number, option in enumerate(options, start=1):
        option = option if isinstance(option, dict) else {}
        here = f"{where} option {number}"
        correct = option.get("correct", False)
        if not isinstance(correct, bool):
            check.fail(here, "`correct` must be true or false")
        found.append(OptionSource(chr(ord("a") + number - 1), check.texts(option.get("text"), f"{here} text"),
                                  check.texts(option.get("feedback"), f"{here} feedback"), correct is True))
    right = sum(option.correct for option in found)
    if right == 0:
        check.fail(where, "has no right answer (mark one option `correct: true`)")
    elif kind is QuestionKind.SINGLE and right > 1:
        check.fail(where, f"is single choice but {right} options are marked correct")
    return tuple(found)


def _question(check: Checker, number: int, question, seen: set[str]) -> QuestionSource | None:
    if not isinstance(question, dict):
        check.fail(f"question {number}", "is not a mapping of key, kind, tags, prompt and options")
        return None
    key = question.get("key")
    where = f"question {number} ({key})" if isinstance(key, str) else f"question {number}"
    if not isinstance(key, str) or not KEY.match(key):
        check.fail(where, "needs a key of lowercase letters, digits and hyphens")
    elif key in seen:
        check.fail(where, "the key is used twice")
    seen.add(str(key))
    try:
        kind = QuestionKind(question.get("kind"))
    except ValueError:
        check.fail(where, f"kind must be one of {', '.join(kind.value for kind in QuestionKind)}")
        return None
    tags = question.get("tags")
    if not isinstance(tags, list) or not tags or not all(isinstance(tag, str) for tag in tags):
        check.fail(where, "needs tags: the commitments (promise-1 … promise-6) or standards (standard-1 … standard-4) it tests")
        tags = []
    unknown = sorted(set(tags) - TAGS)
    if unknown:
        check.fail(where, f"unknown tag {unknown[0]} (use promise-1 … promise-6 or standard-1 … standard-4)")
    if kind is not QuestionKind.SCENARIO:
        prompt = check.texts(question.get("prompt"), f"{where} prompt")
        return QuestionSource(str(key), kind, tuple(sorted(set(tags))), prompt, _options(check, where, question, kind))
    scenario = SCENARIOS.get(question.get("scenario"))
    if scenario is None:
        check.fail(where, f"scenario must be one of {', '.join(sorted(SCENARIOS))}")
        return None
    prompt = check.texts(question.get("prompt"), f"{where} prompt", scenario.placeholders)
    given = question.get("feedback") if isinstance(question.get("feedback"), dict) else {}
    missing = [mistake for mistake in ("right", *scenario.mistakes) if mistake not in given]
    if missing:
        check.fail(where, f"feedback is missing for {', '.join(missing)} (a scenario {scenario.name} can offer them)")
        return None
    feedback = {mistake: check.texts(given.get(mistake), f"{where} feedback {mistake}")
                for mistake in ("right", *scenario.mistakes)}
    return QuestionSource(str(key), kind, tuple(sorted(set(tags))), prompt, (), scenario.name, feedback)


def load_module(folder: Path, problems: list[str]) -> ModuleSource | None:
    """One module folder, or None with every problem found added to `problems`."""
    path = folder / "module.yaml"
    meta, check = read_mapping(path, problems, "module's settings")
    if meta is None:
        return None
    missing = [name for name in MODULE_FIELDS if meta.get(name) in (None, "", [])]
    if missing:
        check.fail("", f"lacks {', '.join(missing)}")
        return None
    version = parse_version_fields(path, meta, problems)
    title, summary = check.texts(meta["title"], "title"), check.texts(meta["summary"], "summary")
    audience = meta["audience"] if isinstance(meta["audience"], list) else [meta["audience"]]
    roles = {role.value for role in Role}
    if not all(isinstance(role, str) and role in roles for role in audience):
        check.fail("audience", f"names roles from {', '.join(sorted(roles))}")
    due = check.number(meta, "due_within_days", 1, 365)
    pass_mark = check.number(meta, "pass_mark", 1, 100)
    attempts = check.number(meta, "attempts_allowed", 1, 20)
    per_attempt = check.number(meta, "questions_per_attempt", 1, 50)
    attests = meta.get("attests")
    if attests is not None and attests not in ATTESTABLE:
        check.fail("attests", f"names a document: {', '.join(sorted(ATTESTABLE))}")
    if not isinstance(meta["lessons"], list):
        check.fail("lessons", "must list the lessons in order")
        return None
    lessons = [_lesson(folder, slug, problems) for slug in meta["lessons"]]
    if len(set(map(str, meta["lessons"]))) != len(meta["lessons"]):
        check.fail("lessons", "a lesson is listed twice")
    questions = _read_questions(folder / "questions.yaml", problems)
    if questions is not None and per_attempt > len(questions):
        check.fail("questions_per_attempt", f"is {per_attempt} but the bank holds {len(questions)} questions")
    if not check.clean or version is None or questions is None or None in lessons:
        return None
    major, minor, effective, change = version
    return ModuleSource(folder.name, major, minor, effective, change, title, summary, tuple(sorted(set(audience))),
                        due, pass_mark, attempts, per_attempt, attests, tuple(lessons), tuple(questions))


def _read_questions(path: Path, problems: list[str]) -> list[QuestionSource] | None:
    bank = read_yaml(path, problems)
    if bank is None:
        return None
    check = Checker(path, problems)
    if not isinstance(bank, list) or not bank:
        check.fail("", "must be a list of questions")
        return None
    seen: set[str] = set()
    questions = [_question(check, number, question, seen) for number, question in enumerate(bank, start=1)]
    return questions if check.clean else None


def load_modules(content_dir: Path) -> list[ModuleSource]:
    """Every module in content/modules, or ContentError listing every problem in every file."""
    root = Path(content_dir) / "modules"
    problems: list[str] = []
    folders = sorted(path for path in root.iterdir() if path.is_dir()) if root.is_dir() else []
    for folder in folders:
        if not KEY.match(folder.name) or folder.name in RESERVED_SLUGS:
            problems.append(f"{folder}: a module folder is named with lowercase letters, digits and hyphens, "
                            f"and not {', '.join(sorted(RESERVED_SLUGS))}")
    modules = [load_module(folder, problems) for folder in folders
               if KEY.match(folder.name) and folder.name not in RESERVED_SLUGS]
    if problems:
        raise ContentError(problems)
    return [module for module in modules if module is not None]
