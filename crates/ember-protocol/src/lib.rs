//! Spark Connect protocol for Ember.
//!
//! The messages and the `SparkConnectService` server trait are generated at
//! build time from `descriptors/spark_connect.bin`, a descriptor set derived
//! from the pinned `pyspark` client package by `tools/gen_descriptors.py`.

#![allow(clippy::all, missing_docs, rustdoc::all)]

/// The `spark.connect` protobuf package.
pub mod spark {
    pub mod connect {
        include!(concat!(env!("OUT_DIR"), "/spark.connect.rs"));
    }
}

pub use spark::connect;
