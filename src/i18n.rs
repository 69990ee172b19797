//! The language people read: the message catalog and how its locale is chosen
//! (docs/i18n.md).
//!
//! The catalog is `locales/en.yml` and `locales/zh-CN.yml` at the repository's top, embedded
//! at compile time by rust-i18n (`rust_i18n::i18n!` in `lib.rs`); a message is
//! `rust_i18n::t!("key", name = value)`, looked up in the process's current locale. The
//! locale is one per process: the CLI sets it once from its flag and environment
//! ([`choose`]), the daemon at start and again on `PUT /api/i18n/locale`.
//!
//! A leaf: imports nothing of the crate, so the CLI, the daemon and the engine may all use it.
//! `tests/i18n.rs` checks the catalog: the same keys and placeholders in both languages,
//! every key the code names present, and no English sentence left outside it in the
//! modules already converted.

use rust_i18n::t;

/// The languages the catalog has, in the order shown to users.
pub const LOCALES: [&str; 2] = ["en", "zh-CN"];

/// A language name that is not one of [`LOCALES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLocale {
    /// What was given.
    pub given: String,
    /// Where it came from (`--lang`, `LOCALE`, `locale`).
    pub from: &'static str,
}

impl std::fmt::Display for UnknownLocale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&t!(
            "i18n.unknown_locale",
            given = format!("{:?}", self.given),
            from = self.from,
            choices = LOCALES.join(", ")
        ))
    }
}

impl std::error::Error for UnknownLocale {}

/// A language name as a user may write it: `en`, `zh-CN`, in any case, with `_` for `-`,
/// and the usual spellings of Simplified Chinese (`zh`, `zh-Hans`, `zh_CN.UTF-8`).
pub fn parse(given: &str, from: &'static str) -> Result<&'static str, UnknownLocale> {
    let norm = given.trim().split('.').next().unwrap_or("").replace('_', "-").to_ascii_lowercase();
    match norm.as_str() {
        "en" | "en-us" | "en-gb" => Ok("en"),
        "zh-cn" | "zh" | "zh-hans" | "zh-hans-cn" | "zh-sg" => Ok("zh-CN"),
        _ => Err(UnknownLocale { given: given.to_string(), from }),
    }
}

/// What the POSIX locale variables say: the first one set of `LC_ALL`, `LC_MESSAGES` and
/// `LANG` (their own precedence) picks `zh-CN` when it starts with `zh_CN`, `zh-CN` or
/// `zh_Hans`; any other value (`C.UTF-8`, `en_US.UTF-8`, `de_DE`) says nothing, so the
/// next source decides.
pub fn from_posix(env: &dyn Fn(&str) -> Option<String>) -> Option<&'static str> {
    let value = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|k| env(k).filter(|v| !v.trim().is_empty()))?;
    let v = value.trim();
    ["zh_CN", "zh-CN", "zh_Hans", "zh-Hans"].iter().any(|p| v.starts_with(p)).then_some("zh-CN")
}

/// Where the locale in force came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The global `--lang` flag.
    Flag,
    /// The `LOCALE` environment variable.
    LocaleEnv,
    /// The daemon's stored setting (`PUT /api/i18n/locale`, `routex lang set`).
    Stored,
    /// `LC_ALL`, `LC_MESSAGES` or `LANG`.
    Posix,
    /// The config file's `locale`.
    Config,
    /// Nothing said anything: English.
    Default,
}

impl Source {
    /// The name shown by `GET /api/i18n/locale`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Flag => "flag",
            Source::LocaleEnv => "LOCALE",
            Source::Stored => "stored",
            Source::Posix => "LANG",
            Source::Config => "config",
            Source::Default => "default",
        }
    }
}

/// The locale by precedence: `--lang` > `LOCALE` > the stored setting (the daemon only) >
/// `LC_ALL`/`LC_MESSAGES`/`LANG` naming Simplified Chinese > the config's `locale` > `en`.
/// A `--lang` or `LOCALE` that is not a known language is an error (it was asked for by
/// name); the stored and config values were checked when written.
pub fn choose(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    stored: Option<&'static str>,
    config: Option<&'static str>,
) -> Result<(&'static str, Source), UnknownLocale> {
    if let Some(f) = flag {
        return Ok((parse(f, "--lang")?, Source::Flag));
    }
    if let Some(l) = env("LOCALE").filter(|v| !v.trim().is_empty()) {
        return Ok((parse(&l, "LOCALE")?, Source::LocaleEnv));
    }
    if let Some(s) = stored {
        return Ok((s, Source::Stored));
    }
    if let Some(p) = from_posix(env) {
        return Ok((p, Source::Posix));
    }
    if let Some(c) = config {
        return Ok((c, Source::Config));
    }
    Ok(("en", Source::Default))
}

/// The process's environment, for [`choose`] and [`from_posix`].
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Switch the process's locale (one of [`LOCALES`]).
pub fn set(locale: &'static str) {
    rust_i18n::set_locale(locale);
}

/// The process's locale, one of [`LOCALES`].
pub fn current() -> &'static str {
    if &*rust_i18n::locale() == "zh-CN" {
        "zh-CN"
    } else {
        "en"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| pairs.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
    }

    #[test]
    fn names_users_write_are_understood_and_others_refused() {
        assert_eq!(parse("zh-CN", "--lang"), Ok("zh-CN"));
        assert_eq!(parse("zh_cn", "--lang"), Ok("zh-CN"));
        assert_eq!(parse("zh_CN.UTF-8", "LOCALE"), Ok("zh-CN"));
        assert_eq!(parse("EN", "--lang"), Ok("en"));
        let e = parse("fr", "--lang").unwrap_err();
        let msg = t!("i18n.unknown_locale", locale = "en", given = "\"fr\"", from = "--lang", choices = "en, zh-CN");
        assert_eq!(msg, "unknown language \"fr\" in --lang; use one of: en, zh-CN");
        assert_eq!(e.from, "--lang");
    }

    #[test]
    fn precedence_is_flag_locale_stored_posix_config_default() {
        let all = env(&[("LOCALE", "en"), ("LANG", "zh_CN.UTF-8")]);
        assert_eq!(choose(Some("zh-CN"), &all, None, None), Ok(("zh-CN", Source::Flag)));
        assert_eq!(choose(None, &all, Some("zh-CN"), None), Ok(("en", Source::LocaleEnv)));
        let posix = env(&[("LANG", "zh_CN.UTF-8")]);
        assert_eq!(choose(None, &posix, Some("en"), None), Ok(("en", Source::Stored)));
        assert_eq!(choose(None, &posix, None, Some("en")), Ok(("zh-CN", Source::Posix)));
        let english = env(&[("LANG", "en_US.UTF-8")]);
        assert_eq!(choose(None, &english, None, Some("zh-CN")), Ok(("zh-CN", Source::Config)));
        assert_eq!(choose(None, &env(&[]), None, None), Ok(("en", Source::Default)));
        assert!(choose(None, &env(&[("LOCALE", "xx")]), None, None).is_err());
    }

    #[test]
    fn lc_all_outranks_lang_as_posix_says() {
        assert_eq!(from_posix(&env(&[("LC_ALL", "C.UTF-8"), ("LANG", "zh_CN.UTF-8")])), None);
        assert_eq!(from_posix(&env(&[("LC_MESSAGES", "zh_Hans"), ("LANG", "en_US")])), Some("zh-CN"));
        assert_eq!(from_posix(&env(&[("LC_ALL", ""), ("LANG", "zh_CN")])), Some("zh-CN"));
    }
}
