//! The daemon's language setting (docs/i18n.md): stored in the settings tree like the
//! strategy, so a language chosen with `PUT /api/i18n/locale` or `routex lang set`
//! survives a restart. Choosing between it, the flag, the environment and the config is
//! `crate::i18n::choose`'s; the messages themselves are the catalog's.

use rust_i18n::t;

use super::config::Locale;
use super::{Engine, Error, Result};
use crate::store::Tree;

/// The config file's `locale` as a catalog name.
pub fn of_config(l: Locale) -> &'static str {
    match l {
        Locale::En => "en",
        Locale::ZhCn => "zh-CN",
    }
}

impl Engine {
    /// The language stored by [`Engine::set_locale`], if one was.
    pub fn stored_locale(&self) -> Option<&'static str> {
        let stored = self.store.get::<String>(Tree::Settings, "locale").ok().flatten()?;
        crate::i18n::parse(&stored, "locale").ok()
    }

    /// Store a language by name (`en`, `zh-CN`); an unknown name is refused with the
    /// choices, and nothing is stored. Switching the process to it is the caller's
    /// (`crate::i18n::set`): the daemon does at once, a CLI without a daemon does not.
    pub fn set_locale(&self, name: &str) -> Result<&'static str> {
        let locale = crate::i18n::parse(name, "locale").map_err(|e| Error::Invalid {
            subject: t!("engine.subject.locale").into_owned(),
            field: "locale".into(),
            message: t!(
                "engine.locale.unknown",
                given = format!("{:?}", e.given),
                choices = crate::i18n::LOCALES.join(", ")
            )
            .into_owned(),
        })?;
        self.store.put(Tree::Settings, "locale", &locale.to_string())?;
        Ok(locale)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Engine;
    use crate::store::Store;

    #[test]
    fn the_setting_is_stored_and_a_bad_name_changes_nothing() {
        let e = Engine::with_store(Store::temporary().unwrap()).unwrap();
        assert_eq!(e.stored_locale(), None);
        assert_eq!(e.set_locale("zh_CN").unwrap(), "zh-CN");
        assert_eq!(e.stored_locale(), Some("zh-CN"));
        let err = e.set_locale("xx").unwrap_err();
        assert_eq!(err.code(), "invalid_request");
        assert_eq!(err.to_string(), "language setting: field `locale` must be one of: en, zh-CN (got \"xx\")");
        assert_eq!(e.stored_locale(), Some("zh-CN"));
        // The process's language is the caller's to switch: unchanged here.
        assert_eq!(crate::i18n::current(), "en");
    }
}
