"""Reading and validating the files in content/: published documents and safe Markdown."""
import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import frontmatter
import nh3
import yaml
from markdown_it import MarkdownIt

LANGUAGES = ("en", "fr")
VERSION_PATTERN = re.compile(r"^(\d{1,3})\.(\d{1,3})$")
REQUIRED_FIELDS = ("title", "version", "effective_date", "change", "change_summary")
ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code", "br", "hr"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})


class ContentError(ValueError):
    """One or more content files are malformed; nothing was loaded."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def render_markdown(text: str) -> str:
    """Markdown to HTML with raw HTML ignored and only plain links kept."""
    html = _markdown.render(text)
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


@dataclass(frozen=True)
class DocumentTextSource:
    language: str
    title: str
    change_summary: str
    body_markdown: str


@dataclass(frozen=True)
class DocumentSource:
    slug: str
    major: int
    minor: int
    effective_date: date
    change: str
    texts: tuple[DocumentTextSource, ...]

    @property
    def label(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def checksum(self) -> str:
        digest = hashlib.sha256()
        for part in (self.label, self.effective_date.isoformat(), self.change):
            digest.update(part.encode() + b"\0")
        for text in self.texts:
            for part in (text.language, text.title, text.change_summary, text.body_markdown):
                digest.update(part.encode() + b"\0")
        return digest.hexdigest()


def version_problem(where: str, proposed: tuple[int, int], change: str, published: tuple[int, int]) -> str | None:
    """Why changed files may not be published under this version, or None: a change raises the version,
    a major change raises the major number and a minor one keeps it."""
    label, latest = "%d.%d" % proposed, "%d.%d" % published
    if proposed == published:
        return f"{where}: the text changed but the version is still {label}; raise the version"
    if proposed < published:
        return f"{where}: version {label} is older than the published version {latest}"
    if change == "major" and proposed[0] <= published[0]:
        return f"{where}: a major change must raise the major number (published {latest}, got {label})"
    if change == "minor" and proposed[0] != published[0]:
        return f"{where}: a minor change keeps the major number (published {latest}, got {label})"
    return None


def parse_version_fields(path: Path, meta: dict, problems: list[str]) -> tuple[int, int, date, str] | None:
    """The version, effective date and kind of change in front matter or metadata, or None with the problems."""
    match = VERSION_PATTERN.match(str(meta.get("version")))
    start = len(problems)
    if not match:
        problems.append(f"{path}: version must look like 2.0 (major.minor), not {meta.get('version')!r}")
    effective = meta.get("effective_date")
    if isinstance(effective, str):
        try:
            effective = date.fromisoformat(effective)
        except ValueError:
            pass
    if not isinstance(effective, date):
        problems.append(f"{path}: effective_date must be a date such as 2024-07-01")
    change = str(meta.get("change")).lower()
    if change not in ("major", "minor"):
        problems.append(f"{path}: change must be 'major' or 'minor', not {meta.get('change')!r}")
    if len(problems) > start:
        return None
    return int(match[1]), int(match[2]), effective, change


def _read_file(path: Path, problems: list[str]) -> tuple[dict, str] | None:
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: file is missing")
        return None
    except UnicodeDecodeError:
        problems.append(f"{path}: not UTF-8 text")
        return None
    except yaml.YAMLError as error:
        problems.append(f"{path}: front matter is not valid YAML ({error.__class__.__name__})")
        return None
    meta = dict(post.metadata)
    missing = [field for field in REQUIRED_FIELDS if meta.get(field) in (None, "")]
    if missing:
        problems.append(f"{path}: front matter lacks {', '.join(missing)}")
        return None
    if not post.content.strip():
        problems.append(f"{path}: the document has no text")
        return None
    return meta, post.content


def load_document(content_dir: Path, slug: str, problems: list[str]) -> DocumentSource | None:
    """Reads one document in every language; its versions and dates must agree across languages."""
    parsed = {}
    for language in LANGUAGES:
        path = content_dir / slug / f"{language}.md"
        read = _read_file(path, problems)
        if read is None:
            continue
        meta, body = read
        fields = parse_version_fields(path, meta, problems)
        if fields is not None:
            parsed[language] = (fields, meta, body)
    if len(parsed) != len(LANGUAGES):
        return None
    first = parsed[LANGUAGES[0]][0]
    for language in LANGUAGES[1:]:
        if parsed[language][0] != first:
            problems.append(f"{content_dir / slug}: version, effective date and change must be the same "
                            f"in every language ({LANGUAGES[0]} and {language} differ)")
            return None
    major, minor, effective, change = first
    texts = tuple(DocumentTextSource(language, str(meta["title"]).strip(), str(meta["change_summary"]).strip(),
                                     body.strip() + "\n")
                  for language, (_fields, meta, body) in parsed.items())
    return DocumentSource(slug, major, minor, effective, change, texts)


def load_documents(content_dir: Path, slugs: list[str]) -> list[DocumentSource]:
    """The named documents, or ContentError listing every problem found."""
    problems: list[str] = []
    documents = [load_document(Path(content_dir), slug, problems) for slug in slugs]
    if problems:
        raise ContentError(problems)
    return [document for document in documents if document is not None]


def read_divisions_csv(path: Path) -> list[dict[str, str]]:
    """Rows of code,name_en,name_fr; raises ValueError naming the first bad line."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"code", "name_en", "name_fr"} <= set(reader.fieldnames):
                raise ValueError(f"{path}: the header must name the columns code, name_en and name_fr")
            rows, seen = [], set()
            for line, row in enumerate(reader, start=2):
                values = {key: (row.get(key) or "").strip() for key in ("code", "name_en", "name_fr")}
                if not all(values.values()):
                    raise ValueError(f"{path}, line {line}: code, name_en and name_fr are all required")
                if len(values["code"]) > 20 or len(values["name_en"]) > 200 or len(values["name_fr"]) > 200:
                    raise ValueError(f"{path}, line {line}: a value is too long")
                if values["code"] in seen:
                    raise ValueError(f"{path}, line {line}: division code {values['code']} appears twice")
                seen.add(values["code"])
                rows.append(values)
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ValueError(f"{path}: cannot be read as UTF-8 CSV ({error})") from None


@dataclass(frozen=True)
class InformationPage:
    """A page about the portal itself (help, privacy notice, accessibility statement) in one language."""

    title: str
    summary: str
    updated: date
    body_html: str


PAGE_FIELDS = ("title", "summary", "updated")


def load_information_page(content_dir: Path, slug: str, language: str) -> InformationPage:
    """content/pages/<slug>/<language>.md; ContentError names the file and what is wrong with it."""
    path = Path(content_dir) / "pages" / slug / f"{language}.md"
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ContentError([f"{path}: cannot be read ({error.__class__.__name__})"]) from None
    missing = [name for name in PAGE_FIELDS if post.metadata.get(name) in (None, "")]
    updated = post.metadata.get("updated")
    if missing or not isinstance(updated, date) or not post.content.strip():
        raise ContentError([f"{path}: needs title, summary, an updated date and some text"])
    return InformationPage(str(post.metadata["title"]).strip(), str(post.metadata["summary"]).strip(), updated,
                           render_markdown(post.content))


INFORMATION_PAGES = ("help", "privacy", "accessibility")


def check_information_pages(content_dir: Path) -> None:
    """Every information page in every language reads well, or ContentError lists what does not."""
    problems = []
    for slug in INFORMATION_PAGES:
        for language in LANGUAGES:
            try:
                load_information_page(content_dir, slug, language)
            except ContentError as error:
                problems += error.problems
    if problems:
        raise ContentError(problems)


class Checker:
    """Collects the problems of one file, each naming the file and where in it."""

    def __init__(self, path: Path, problems: list[str]):
        self.path, self.problems, self.count = path, problems, len(problems)

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{self.path}: {where}{': ' if where else ''}{message}")

    @property
    def clean(self) -> bool:
        return len(self.problems) == self.count

    def texts(self, value, where: str, placeholders: frozenset[str] = frozenset()) -> dict:
        """A text in every language: {en: ..., fr: ...}, each non-empty, using only the allowed placeholders."""
        if not isinstance(value, dict):
            self.fail(where, "needs a text in each language (en and fr)")
            return {}
        missing = [language for language in LANGUAGES if not str(value.get(language) or "").strip()]
        if missing:
            self.fail(where, f"the {' and '.join(missing)} text is missing")
            return {}
        texts = {language: str(value[language]).strip() for language in LANGUAGES}
        for language, text in texts.items():
            used = set(re.findall(r"\{([^{}]*)\}", text))
            if used - placeholders:
                self.fail(where, f"the {language} text uses an unknown placeholder {{{sorted(used - placeholders)[0]}}}")
        return texts

    def number(self, meta: dict, name: str, lowest: int, highest: int) -> int:
        value = meta.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
            self.fail(name, f"must be a whole number from {lowest} to {highest}, not {value!r}")
            return lowest
        return value


def read_mapping(path: Path, problems: list[str], what: str) -> tuple[dict | None, Checker]:
    """A YAML file that must hold a mapping, and the checker of its problems; None when it is unusable."""
    meta = read_yaml(path, problems)
    check = Checker(path, problems)
    if meta is not None and not isinstance(meta, dict):
        check.fail("", f"must be a mapping of the {what}")
        meta = None
    return meta, check


def read_yaml(path: Path, problems: list[str]):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(f"{path}: file is missing")
    except UnicodeDecodeError:
        problems.append(f"{path}: not UTF-8 text")
    except yaml.YAMLError as error:
        problems.append(f"{path}: not valid YAML ({error.__class__.__name__})")
    return None
