//! The function's environment, read once at init.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub table_name: String,
    pub index_name: String,
    /// DynamoDB `Limit` per `Query`.
    pub page_size: i32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SettingsError {
    #[error("environment variable {0} is required")]
    Missing(&'static str),
    #[error("DDB_PAGE_SIZE must be an integer from 1 to 1000, got {0:?}")]
    PageSize(String),
}

pub const DEFAULT_PAGE_SIZE: i32 = 100;

impl Settings {
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let required = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.is_empty())
                .ok_or(SettingsError::Missing(name))
        };
        let page_size = match lookup("DDB_PAGE_SIZE") {
            None => DEFAULT_PAGE_SIZE,
            Some(raw) => raw
                .parse::<i32>()
                .ok()
                .filter(|n| (1..=1000).contains(n))
                .ok_or(SettingsError::PageSize(raw))?,
        };
        Ok(Settings {
            table_name: required("TABLE_NAME")?,
            index_name: required("INDEX_NAME")?,
            page_size,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn reads_required_names_and_defaults_page_size() {
        let s = Settings::from_lookup(env(&[("TABLE_NAME", "t"), ("INDEX_NAME", "GSI1")])).unwrap();
        assert_eq!(
            (s.table_name.as_str(), s.index_name.as_str(), s.page_size),
            ("t", "GSI1", 100)
        );
    }

    #[test]
    fn missing_or_bad_values_are_named() {
        assert_eq!(
            Settings::from_lookup(env(&[("INDEX_NAME", "GSI1")])),
            Err(SettingsError::Missing("TABLE_NAME"))
        );
        assert_eq!(
            Settings::from_lookup(env(&[
                ("TABLE_NAME", "t"),
                ("INDEX_NAME", "i"),
                ("DDB_PAGE_SIZE", "0")
            ])),
            Err(SettingsError::PageSize("0".into()))
        );
    }
}
