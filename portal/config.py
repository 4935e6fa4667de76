"""Settings read from environment variables."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-not-for-production"
SHORTEST_SECRET = 32
FALLBACK_MAIL_DOMAIN = "portal.invalid"  # only without SERVER_NAME, which production requires


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


class ConfigurationError(RuntimeError):
    """A setting the portal cannot start without is missing or wrong."""


class Config:
    ENVIRONMENT = "production"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI = ""
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}  # a server may close idle connections; a file does not
    CONTENT_DIR = BASE_DIR / "content"
    INSTANCE_DIR = BASE_DIR / "instance"
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "portal_session"
    PERMANENT_SESSION_LIFETIME = 8 * 3600
    REMEMBER_COOKIE_DURATION = 0
    WTF_CSRF_TIME_LIMIT = 8 * 3600
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("en", "fr")
    MAIL_SERVER = ""
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER: str | None = None  # service-promise@ the host of SERVER_NAME
    MAIL_DISABLED = False  # messages stay in the outbox, unsent
    MAIL_SUPPRESS_SEND = False
    MAIL_MAX_ATTEMPTS = 8  # then a message from the outbox is given up as failed
    MAIL_TIMEOUT = 10  # seconds the SMTP server may take to answer, each time
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_ADDRESS_LIMIT = "30 per 15 minutes"
    LOGIN_ACCOUNT_MAX_FAILURES = 5
    CERTIFICATE_LOOKUP_LIMIT = "20 per minute"
    LOGIN_ACCOUNT_WINDOW_MINUTES = 15
    PASSWORD_RESET_MAX_AGE = 3600
    PAGE_SIZE = 50
    PREFERRED_URL_SCHEME = "https"
    SERVER_NAME: str | None = None
    TRUSTED_HOSTS: list[str] | None = None
    TRUSTED_PROXIES = 0

    @classmethod
    def defaults(cls) -> dict:
        """The settings as written in the class, before the environment is read."""
        return {key: getattr(cls, key) for key in dir(cls) if key.isupper()}

    @classmethod
    def from_environment(cls) -> dict:
        """Reads the environment; refuses to start, with one line naming the setting, when one is missing or wrong."""
        env = os.environ
        settings = cls.defaults()
        production = settings["ENVIRONMENT"] == "production"
        settings["SECRET_KEY"] = env.get("SECRET_KEY") or cls.SECRET_KEY
        if not settings["SECRET_KEY"]:
            raise ConfigurationError("SECRET_KEY must be set (export SECRET_KEY=... before starting the portal).")
        if len(settings["SECRET_KEY"]) < SHORTEST_SECRET:
            raise ConfigurationError(f"SECRET_KEY must be at least {SHORTEST_SECRET} characters long (for example "
                                     "the output of: python3 -c 'import secrets; print(secrets.token_hex(32))').")
        if production and not env.get("DATABASE_URL"):
            raise ConfigurationError("DATABASE_URL must be set (postgresql://user@host/db, or sqlite:////path/to/"
                                     "portal.db to use a SQLite file).")
        settings["SQLALCHEMY_DATABASE_URI"] = _database_url(env.get("DATABASE_URL") or cls.SQLALCHEMY_DATABASE_URI
                                                            or f"sqlite:///{cls.INSTANCE_DIR / 'portal.db'}")
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = {}
        settings["MAIL_SERVER"] = env.get("MAIL_SERVER", cls.MAIL_SERVER)
        settings["MAIL_PORT"] = _count("MAIL_PORT", cls.MAIL_PORT)
        settings["MAIL_USE_TLS"] = _flag("MAIL_USE_TLS", cls.MAIL_USE_TLS)
        settings["MAIL_USERNAME"] = env.get("MAIL_USERNAME", cls.MAIL_USERNAME)
        settings["MAIL_PASSWORD"] = env.get("MAIL_PASSWORD", cls.MAIL_PASSWORD)
        settings["MAIL_DEFAULT_SENDER"] = env.get("MAIL_DEFAULT_SENDER") or cls.MAIL_DEFAULT_SENDER
        settings["MAIL_DISABLED"] = _flag("MAIL_DISABLED", cls.MAIL_DISABLED)
        if settings["ENVIRONMENT"] not in LOG_MAIL_OR_NONE and not settings["MAIL_SERVER"] \
                and not settings["MAIL_DISABLED"]:
            raise ConfigurationError("MAIL_SERVER must be set to the SMTP server's host name (or MAIL_DISABLED=true "
                                     "to keep e-mail in the outbox, unsent).")
        settings["MAIL_MAX_ATTEMPTS"] = max(1, _count("MAIL_MAX_ATTEMPTS", cls.MAIL_MAX_ATTEMPTS))
        settings["MAIL_TIMEOUT"] = max(1, _count("MAIL_TIMEOUT", cls.MAIL_TIMEOUT))
        settings["RATELIMIT_STORAGE_URI"] = env.get("REDIS_URL", cls.RATELIMIT_STORAGE_URI)
        settings["SESSION_COOKIE_SECURE"] = _flag("SESSION_COOKIE_SECURE", cls.SESSION_COOKIE_SECURE)
        settings["SERVER_NAME"] = env.get("SERVER_NAME") or cls.SERVER_NAME
        if production and not settings["SERVER_NAME"]:
            raise ConfigurationError("SERVER_NAME must be set to the portal's host name (export "
                                     "SERVER_NAME=portal.example.org): links in e-mail are built from it.")
        if settings["SERVER_NAME"]:
            extra = [name.strip() for name in env.get("TRUSTED_HOSTS", "").split(",") if name.strip()]
            settings["TRUSTED_HOSTS"] = [_host_name(settings["SERVER_NAME"]), *extra]
        settings["TRUSTED_PROXIES"] = _count("TRUSTED_PROXIES", cls.TRUSTED_PROXIES)
        return settings


class DevelopmentConfig(Config):
    ENVIRONMENT = "development"
    SECRET_KEY = DEVELOPMENT_SECRET
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    TRUSTED_HOSTS = ["127.0.0.1", "localhost"]


class TestConfig(Config):
    ENVIRONMENT = "test"
    TESTING = True
    SECRET_KEY = "test-secret-for-the-test-suite-only"
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    LOGIN_ADDRESS_LIMIT = "1000 per minute"


CONFIGS = {"production": Config, "development": DevelopmentConfig, "test": TestConfig}
# Where the portal may start without a mail server: development writes each message to the log, test keeps it.
LOG_MAIL_OR_NONE = ("development", "test")


def _host_name(server_name: str) -> str:
    """The host of a SERVER_NAME such as portal.example.org:8443, without the port."""
    return host_and_port(server_name)[0]


def host_and_port(host: str) -> tuple[str, str | None]:
    """A Host header or SERVER_NAME split into its lowercase name and its port (None when it names none)."""
    name, colon, port = host.rpartition(":")
    if not colon or not port or name.endswith(":") or "]" in port:
        return host.lower(), None
    return name.lower(), port


def mail_domain(settings) -> str:
    """The domain of the portal's e-mail (sender and Message-ID): the host of SERVER_NAME."""
    server_name = settings.get("SERVER_NAME")
    return _host_name(server_name) if server_name else FALLBACK_MAIL_DOMAIN


def _count(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.")
    return int(value)


def _database_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if not url.startswith(("postgresql+psycopg://", "sqlite:///")):
        raise ConfigurationError("DATABASE_URL must be a PostgreSQL address (postgresql://user@host/db) or a SQLite "
                                 "file (sqlite:////path/to/portal.db).")
    return url


def settings_for(name: str | None = None) -> dict:
    """The settings of the named environment (PORTAL_ENV, production by default)."""
    name = name or os.environ.get("PORTAL_ENV", "production")
    if name not in CONFIGS:
        raise ConfigurationError(f"PORTAL_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    return CONFIGS[name].from_environment()


def check_catalogues(settings) -> None:
    """Refuses to start when a language other than the default has no compiled catalogue (its pages would silently
    be in English): the .mo files are built from the .po files by `pybabel compile -d translations`."""
    directories = [BASE_DIR / "portal" / folder  # relative folders are read from the package, as Flask-Babel does
                   for folder in str(settings["BABEL_TRANSLATION_DIRECTORIES"]).split(";") if folder]
    for language in settings["LANGUAGES"]:
        if language == settings["BABEL_DEFAULT_LOCALE"]:
            continue
        catalogues = [folder / language / "LC_MESSAGES" / "messages.mo" for folder in directories]
        if not any(catalogue.is_file() for catalogue in catalogues):
            raise ConfigurationError(f"the {language} translations are not compiled ({catalogues[0]} is missing): "
                                     "run `pybabel compile -d translations` before starting the portal.")
