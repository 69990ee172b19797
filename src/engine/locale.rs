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

    /// Store a language by name (`en`, `zh-CN`) and switch the process to it; an unknown
    /// name is refused with the choices, and nothing is stored.
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
        crate::i18n::set(locale);
        Ok(locale)
    }
}
