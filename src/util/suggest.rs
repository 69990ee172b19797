//! "Did you mean …": the valid name nearest to a mistyped one.

/// The choice nearest to `given` (case-insensitive Damerau-Levenshtein), when it is close
/// enough to be what was meant: at most 2 edits, and fewer than half the letters.
pub fn nearest<'a>(given: &str, choices: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let given = given.to_ascii_lowercase();
    choices
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&given, &c.to_ascii_lowercase()), c))
        .filter(|(d, _)| *d <= 2 && *d * 2 < given.len().max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `" (did you mean X?)"` when there is a near choice, else nothing.
pub fn did_you_mean<'a>(given: &str, choices: impl IntoIterator<Item = &'a str>) -> String {
    nearest(given, choices).map(|c| rust_i18n::t!("util.did_you_mean", choice = c).into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_and_far_ones_not() {
        let types = ["anthropic", "openai", "gemini", "azure", "zhipu", "custom"];
        assert_eq!(nearest("openia", types), Some("openai"));
        assert_eq!(nearest("Anthropc", types), Some("anthropic"));
        assert_eq!(nearest("foo", types), None);
        assert_eq!(nearest("x", types), None);
        assert_eq!(did_you_mean("backgroun", ["background", "think"]), " (did you mean background?)");
        assert_eq!(did_you_mean("zzzzzz", ["background"]), "");
    }
}
