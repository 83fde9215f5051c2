//! The warehouse: databases and tables under one folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ember_errors::SparkError;

use crate::errors;
use crate::model::{Database, Table, TableKind};
use crate::store::{self, Created};

/// The database every warehouse has; its folder is the warehouse itself.
pub const DEFAULT_DATABASE: &str = "default";
/// The database of global temporary views (never stored).
pub const GLOBAL_TEMP_DATABASE: &str = "global_temp";
/// The folder holding the catalog's files, inside the warehouse.
pub(crate) const CATALOG_DIR: &str = ".ember-catalog";

/// A warehouse folder and the catalog stored in it.
#[derive(Debug, Clone)]
pub struct Warehouse {
    root: PathBuf,
}

impl Warehouse {
    /// The warehouse at `root` (an absolute path); folders are created when
    /// something is first stored.
    pub fn new(root: PathBuf) -> Self {
        Warehouse { root }
    }

    /// The warehouse folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn database_file(&self, name: &str) -> PathBuf {
        self.root.join(CATALOG_DIR).join("databases").join(format!("{name}.json"))
    }

    fn tables_folder(&self, database: &str) -> PathBuf {
        self.root.join(CATALOG_DIR).join("tables").join(database)
    }

    fn table_file(&self, database: &str, name: &str) -> PathBuf {
        self.tables_folder(database).join(format!("{name}.json"))
    }

    /// Where a new database's tables go when it has no `LOCATION`: `<warehouse>/<db>.db`.
    pub fn default_database_location(&self, name: &str) -> PathBuf {
        self.root.join(format!("{name}.db"))
    }

    fn default_database(&self) -> Database {
        Database {
            name: DEFAULT_DATABASE.to_string(),
            comment: "default database".to_string(),
            location: self.root.display().to_string(),
            properties: BTreeMap::new(),
            version: 0,
        }
    }

    /// A database by (lower-case) name.
    pub fn database(&self, name: &str) -> Result<Option<Database>, SparkError> {
        match store::read::<Database>(&self.database_file(name))? {
            None if name == DEFAULT_DATABASE => Ok(Some(self.default_database())),
            found => Ok(found),
        }
    }

    /// A database that must exist.
    pub fn existing_database(&self, name: &str) -> Result<Database, SparkError> {
        self.database(name)?.ok_or_else(|| errors::schema_not_found(name))
    }

    /// All databases, by name.
    pub fn databases(&self) -> Result<Vec<Database>, SparkError> {
        let mut all: Vec<Database> = store::read_all(&self.root.join(CATALOG_DIR).join("databases"))?;
        if !all.iter().any(|d| d.name == DEFAULT_DATABASE) {
            all.push(self.default_database());
        }
        all.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(all)
    }

    /// Creates a database and its folder.
    pub fn create_database(&self, database: &Database, if_not_exists: bool) -> Result<(), SparkError> {
        if database.name == GLOBAL_TEMP_DATABASE {
            return Err(errors::reserved_database(&database.name));
        }
        if database.name == DEFAULT_DATABASE || store::create(&self.database_file(&database.name), database)? == Created::AlreadyExists {
            return if if_not_exists { Ok(()) } else { Err(errors::schema_already_exists(&database.name)) };
        }
        std::fs::create_dir_all(&database.location).map_err(|e| errors::io(&database.location, e))
    }

    /// Changes a database's definition.
    pub fn alter_database(&self, name: &str, change: impl FnOnce(&mut Database)) -> Result<(), SparkError> {
        let mut database = self.existing_database(name)?;
        let expected = database.version;
        change(&mut database);
        database.version = expected + 1;
        let path = self.database_file(name);
        if name == DEFAULT_DATABASE && !path.exists() {
            // The default database is stored on its first change.
            return match store::create(&path, &database)? {
                Created::Yes => Ok(()),
                Created::AlreadyExists => Err(errors::concurrent_change(name)),
            };
        }
        store::replace(&path, &database, expected, |d: &Database| d.version)
    }

    /// Drops a database; with `cascade` its tables too (and managed tables' data).
    pub fn drop_database(&self, name: &str, if_exists: bool, cascade: bool) -> Result<(), SparkError> {
        if name == DEFAULT_DATABASE {
            return Err(errors::cannot_drop_default(name));
        }
        let Some(database) = self.database(name)? else {
            return if if_exists { Ok(()) } else { Err(errors::schema_not_found(name)) };
        };
        let tables = self.tables(name)?;
        if !tables.is_empty() && !cascade {
            return Err(errors::schema_not_empty(name));
        }
        for table in tables {
            self.drop_table(&table)?;
        }
        store::remove(&self.database_file(name), database.version, |d: &Database| d.version)?;
        let _ = std::fs::remove_dir(self.tables_folder(name));
        let _ = std::fs::remove_dir_all(self.functions_folder(name));
        let _ = std::fs::remove_dir_all(&database.location);
        Ok(())
    }

    /// A table or view by (lower-case) database and name.
    pub fn table(&self, database: &str, name: &str) -> Result<Option<Table>, SparkError> {
        store::read(&self.table_file(database, name))
    }

    /// The tables and views of a database, by name.
    pub fn tables(&self, database: &str) -> Result<Vec<Table>, SparkError> {
        store::read_all(&self.tables_folder(database))
    }

    /// Where a managed table of `database` keeps its data.
    pub fn managed_location(&self, database: &str, name: &str) -> Result<PathBuf, SparkError> {
        Ok(PathBuf::from(self.existing_database(database)?.location).join(name))
    }

    /// Stores a new table; fails with `TABLE_OR_VIEW_ALREADY_EXISTS` if the name is taken.
    pub fn create_table(&self, table: &Table) -> Result<(), SparkError> {
        self.existing_database(&table.database)?;
        match store::create(&self.table_file(&table.database, &table.name), table)? {
            Created::Yes => Ok(()),
            Created::AlreadyExists => Err(errors::table_already_exists(&table.database, &table.name)),
        }
    }

    /// Replaces a table's definition with `table` (whose version is the one it was read at).
    pub fn update_table(&self, table: &Table) -> Result<Table, SparkError> {
        let mut updated = table.clone();
        updated.version = table.version + 1;
        store::replace(&self.table_file(&table.database, &table.name), &updated, table.version, |t: &Table| t.version)?;
        Ok(updated)
    }

    /// Removes a table's definition, and the data of a managed table
    /// (with its partitions at locations of their own, as Spark does).
    pub fn drop_table(&self, table: &Table) -> Result<(), SparkError> {
        store::remove(&self.table_file(&table.database, &table.name), table.version, |t: &Table| t.version)?;
        if table.kind == TableKind::Managed {
            let _ = std::fs::remove_dir_all(&table.location);
            for location in table.partition_locations.values() {
                let _ = std::fs::remove_dir_all(location);
            }
        }
        Ok(())
    }

    /// Renames a table (within its database); a managed table's folder moves along.
    pub fn rename_table(&self, table: &Table, new_name: &str) -> Result<Table, SparkError> {
        let mut renamed = table.clone();
        renamed.name = new_name.to_string();
        renamed.version = 0;
        if table.kind == TableKind::Managed {
            renamed.location = self.managed_location(&table.database, new_name)?.display().to_string();
        }
        self.create_table(&renamed)?;
        if let Err(e) = store::remove(&self.table_file(&table.database, &table.name), table.version, |t: &Table| t.version) {
            let _ = store::remove(&self.table_file(&renamed.database, &renamed.name), 0, |t: &Table| t.version);
            return Err(e);
        }
        if table.kind == TableKind::Managed && Path::new(&table.location).exists() {
            std::fs::rename(&table.location, &renamed.location).map_err(|e| errors::io(&renamed.location, e))?;
        }
        Ok(renamed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn database(w: &Warehouse, name: &str) -> Database {
        Database {
            name: name.to_string(),
            comment: String::new(),
            location: w.default_database_location(name).display().to_string(),
            properties: BTreeMap::new(),
            version: 0,
        }
    }

    fn table(w: &Warehouse, db: &str, name: &str) -> Table {
        Table {
            database: db.to_string(),
            name: name.to_string(),
            kind: TableKind::Managed,
            provider: "parquet".to_string(),
            schema: r#"{"type":"struct","fields":[]}"#.to_string(),
            partition_columns: Vec::new(),
            bucket_spec: None,
            location: w.managed_location(db, name).unwrap().display().to_string(),
            options: BTreeMap::new(),
            properties: BTreeMap::new(),
            comment: None,
            view_text: None,
            view_query_columns: Vec::new(),
            partition_locations: BTreeMap::new(),
            created_ms: 0,
            version: 0,
        }
    }

    #[test]
    fn databases_persist_and_default_always_exists() {
        let dir = tempfile::tempdir().unwrap();
        let w = Warehouse::new(dir.path().to_path_buf());
        assert_eq!(w.databases().unwrap().iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["default"]);
        w.create_database(&database(&w, "sales"), false).unwrap();
        assert!(dir.path().join("sales.db").is_dir());
        let err = w.create_database(&database(&w, "sales"), false).unwrap_err();
        assert_eq!(err.error_class, "SCHEMA_ALREADY_EXISTS");
        w.create_database(&database(&w, "sales"), true).unwrap();
        // Another handle on the same folder (a restarted server) sees it.
        let again = Warehouse::new(dir.path().to_path_buf());
        assert_eq!(again.databases().unwrap().len(), 2);
        assert_eq!(w.drop_database("default", false, false).unwrap_err().error_class, "UNSUPPORTED_FEATURE.DROP_DATABASE");
    }

    #[test]
    fn drop_database_needs_cascade_when_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        let w = Warehouse::new(dir.path().to_path_buf());
        w.create_database(&database(&w, "s"), false).unwrap();
        w.create_table(&table(&w, "s", "t")).unwrap();
        assert_eq!(w.drop_database("s", false, false).unwrap_err().error_class, "SCHEMA_NOT_EMPTY");
        w.drop_database("s", false, true).unwrap();
        assert!(w.database("s").unwrap().is_none());
        assert!(w.table("s", "t").unwrap().is_none());
        assert_eq!(w.drop_database("s", false, false).unwrap_err().error_class, "SCHEMA_NOT_FOUND");
        w.drop_database("s", true, false).unwrap();
    }

    #[test]
    fn tables_create_update_rename_drop() {
        let dir = tempfile::tempdir().unwrap();
        let w = Warehouse::new(dir.path().to_path_buf());
        let t = table(&w, "default", "t");
        w.create_table(&t).unwrap();
        assert_eq!(w.create_table(&t).unwrap_err().error_class, "TABLE_OR_VIEW_ALREADY_EXISTS");
        let mut changed = w.table("default", "t").unwrap().unwrap();
        changed.comment = Some("c".to_string());
        let changed = w.update_table(&changed).unwrap();
        // An update based on the old version loses.
        assert_eq!(w.update_table(&t).unwrap_err().error_class, "CONCURRENT_CATALOG_CHANGE");
        std::fs::create_dir_all(&changed.location).unwrap();
        let renamed = w.rename_table(&changed, "u").unwrap();
        assert!(Path::new(&renamed.location).is_dir());
        assert!(w.table("default", "t").unwrap().is_none());
        w.drop_table(&renamed).unwrap();
        assert!(!Path::new(&renamed.location).exists());
        assert!(w.tables("default").unwrap().is_empty());
    }
}
