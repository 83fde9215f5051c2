//! Persistent functions (`CREATE FUNCTION name AS 'class'`): Spark stores
//! the definition without loading the class, so the catalog keeps it per
//! database, one JSON file each, as it keeps tables.

use std::path::PathBuf;

use ember_errors::SparkError;
use serde::{Deserialize, Serialize};

use crate::errors;
use crate::store::{self, Created};
use crate::warehouse::{CATALOG_DIR, Warehouse};

/// A persistent function.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Function {
    /// The database, lower case.
    pub database: String,
    /// The name, lower case.
    pub name: String,
    /// The JVM class named by `AS 'class'`.
    pub class_name: String,
    /// Bumped by every change; updates check it to detect lost races.
    #[serde(default)]
    pub version: u64,
}

impl Warehouse {
    pub(crate) fn functions_folder(&self, database: &str) -> PathBuf {
        self.root().join(CATALOG_DIR).join("functions").join(database)
    }

    fn function_file(&self, database: &str, name: &str) -> PathBuf {
        self.functions_folder(database).join(format!("{name}.json"))
    }

    /// A persistent function by (lower-case) database and name.
    pub fn function(&self, database: &str, name: &str) -> Result<Option<Function>, SparkError> {
        store::read(&self.function_file(database, name))
    }

    /// The persistent functions of a database, by name.
    pub fn functions(&self, database: &str) -> Result<Vec<Function>, SparkError> {
        store::read_all(&self.functions_folder(database))
    }

    /// Stores a new function, or (`replace`) replaces one of that name;
    /// fails with `ROUTINE_ALREADY_EXISTS` if the name is taken.
    pub fn create_function(&self, function: &Function, replace: bool) -> Result<(), SparkError> {
        self.existing_database(&function.database)?;
        let path = self.function_file(&function.database, &function.name);
        if replace {
            if let Some(current) = self.function(&function.database, &function.name)? {
                let updated = Function { version: current.version + 1, ..function.clone() };
                return store::replace(&path, &updated, current.version, |f: &Function| f.version);
            }
        }
        match store::create(&path, function)? {
            Created::Yes => Ok(()),
            Created::AlreadyExists => Err(errors::routine_already_exists(&format!("`{}`.`{}`", function.database, function.name))),
        }
    }

    /// Removes a function's definition.
    pub fn drop_function(&self, function: &Function) -> Result<(), SparkError> {
        store::remove(&self.function_file(&function.database, &function.name), function.version, |f: &Function| f.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_are_stored_per_database() {
        let root = std::env::temp_dir().join(format!("ember-functions-{}", uuid::Uuid::new_v4()));
        let warehouse = Warehouse::new(root.clone());
        let function = Function { database: "default".into(), name: "f".into(), class_name: "a.B".into(), version: 0 };
        warehouse.create_function(&function, false).unwrap();
        assert_eq!(warehouse.create_function(&function, false).unwrap_err().error_class, "ROUTINE_ALREADY_EXISTS");
        warehouse.create_function(&Function { class_name: "a.C".into(), ..function.clone() }, true).unwrap();
        let stored = warehouse.function("default", "f").unwrap().unwrap();
        assert_eq!((stored.class_name.as_str(), stored.version), ("a.C", 1));
        assert_eq!(warehouse.functions("default").unwrap().len(), 1);
        warehouse.drop_function(&stored).unwrap();
        assert!(warehouse.function("default", "f").unwrap().is_none());
        let _ = std::fs::remove_dir_all(root);
    }
}
