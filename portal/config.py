"""Settings read from environment variables."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "development-only-secret-not-for-production"


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
    MAIL_DEFAULT_SENDER = "service-promise@portal.invalid"
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
        """Reads the environment; refuses to start without a secret key outside development."""
        env = os.environ
        settings = cls.defaults()
        settings["SECRET_KEY"] = env.get("SECRET_KEY") or cls.SECRET_KEY
        if not settings["SECRET_KEY"]:
            raise ConfigurationError("SECRET_KEY must be set (export SECRET_KEY=... before starting the portal).")
        settings["SQLALCHEMY_DATABASE_URI"] = _database_url(env.get("DATABASE_URL") or cls.SQLALCHEMY_DATABASE_URI
                                                            or f"sqlite:///{cls.INSTANCE_DIR / 'portal.db'}")
        if settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            settings["SQLALCHEMY_ENGINE_OPTIONS"] = {}
        settings["MAIL_SERVER"] = env.get("MAIL_SERVER", cls.MAIL_SERVER)
        settings["MAIL_PORT"] = int(env.get("MAIL_PORT", cls.MAIL_PORT))
        settings["MAIL_USE_TLS"] = _flag("MAIL_USE_TLS", cls.MAIL_USE_TLS)
        settings["MAIL_USERNAME"] = env.get("MAIL_USERNAME", cls.MAIL_USERNAME)
        settings["MAIL_PASSWORD"] = env.get("MAIL_PASSWORD", cls.MAIL_PASSWORD)
        settings["MAIL_DEFAULT_SENDER"] = env.get("MAIL_DEFAULT_SENDER", cls.MAIL_DEFAULT_SENDER)
        settings["MAIL_MAX_ATTEMPTS"] = max(1, _count("MAIL_MAX_ATTEMPTS", cls.MAIL_MAX_ATTEMPTS))
        settings["MAIL_TIMEOUT"] = max(1, _count("MAIL_TIMEOUT", cls.MAIL_TIMEOUT))
        settings["RATELIMIT_STORAGE_URI"] = env.get("REDIS_URL", cls.RATELIMIT_STORAGE_URI)
        settings["SESSION_COOKIE_SECURE"] = _flag("SESSION_COOKIE_SECURE", cls.SESSION_COOKIE_SECURE)
        settings["SERVER_NAME"] = env.get("SERVER_NAME") or cls.SERVER_NAME
        if settings["ENVIRONMENT"] == "production" and not settings["SERVER_NAME"]:
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
    SECRET_KEY = "test-secret"
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    TRUSTED_HOSTS = ["localhost", "127.0.0.1"]
    LOGIN_ADDRESS_LIMIT = "1000 per minute"


CONFIGS = {"production": Config, "development": DevelopmentConfig, "test": TestConfig}


def _host_name(server_name: str) -> str:
    """The host of a SERVER_NAME such as portal.example.org:8443, without the port."""
    return server_name.rsplit(":", 1)[0] if not server_name.endswith("]") else server_name


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
    return url


def settings_for(name: str | None = None) -> dict:
    """The settings of the named environment (PORTAL_ENV, production by default)."""
    name = name or os.environ.get("PORTAL_ENV", "production")
    if name not in CONFIGS:
        raise ConfigurationError(f"PORTAL_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    return CONFIGS[name].from_environment()
