//! Object stores configured as Hadoop's file systems are: `spark.hadoop.*`
//! settings (per bucket first, as S3A's `fs.s3a.bucket.<bucket>.*`), then the
//! environment (`AWS_*`, `GOOGLE_*`, `AZURE_*`).

use std::sync::Arc;

use ember_errors::SparkError;
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;

use crate::options::Options;

/// The store holding `authority` (a bucket, or Azure's `container@account`).
pub(super) fn build(scheme: &str, authority: &str, conf: &Options) -> Result<Arc<dyn ObjectStore>, SparkError> {
    let failed = |e: object_store::Error| SparkError::illegal_argument(format!("cannot reach {scheme}://{authority}: {e}"));
    match scheme {
        "gs" => {
            let mut builder = GoogleCloudStorageBuilder::from_env().with_bucket_name(authority);
            if let Some(keyfile) = hadoop(conf, "google.cloud.auth.service.account.json.keyfile") {
                builder = builder.with_service_account_path(keyfile);
            }
            Ok(Arc::new(builder.build().map_err(failed)?))
        }
        "abfss" | "abfs" => {
            let mut builder = MicrosoftAzureBuilder::from_env().with_url(format!("{scheme}://{authority}"));
            let account_host = authority.split_once('@').map(|(_, host)| host).unwrap_or(authority);
            if let Some(key) = hadoop(conf, &format!("fs.azure.account.key.{account_host}")) {
                builder = builder.with_access_key(key);
            }
            Ok(Arc::new(builder.build().map_err(failed)?))
        }
        _ => Ok(Arc::new(s3_builder(authority, conf).build().map_err(failed)?)),
    }
}

/// An S3 client for `bucket` from S3A's settings.
fn s3_builder(bucket: &str, conf: &Options) -> AmazonS3Builder {
    let s3a = |name: &str| {
        hadoop(conf, &format!("fs.s3a.bucket.{bucket}.{name}")).or_else(|| hadoop(conf, &format!("fs.s3a.{name}")))
    };
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
    if let Some(key) = s3a("access.key") {
        builder = builder.with_access_key_id(key);
    }
    if let Some(secret) = s3a("secret.key") {
        builder = builder.with_secret_access_key(secret);
    }
    if let Some(token) = s3a("session.token") {
        builder = builder.with_token(token);
    }
    if let Some(region) = s3a("endpoint.region").or_else(|| s3a("region")) {
        builder = builder.with_region(region);
    }
    if let Some(endpoint) = s3a("endpoint") {
        let ssl = s3a("connection.ssl.enabled").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
        let endpoint = with_scheme(&endpoint, ssl);
        builder = builder.with_allow_http(endpoint.starts_with("http://")).with_endpoint(endpoint);
        if s3a("endpoint.region").or_else(|| s3a("region")).is_none() && std::env::var("AWS_REGION").is_err() {
            builder = builder.with_region("us-east-1");
        }
    }
    if let Some(path_style) = s3a("path.style.access") {
        builder = builder.with_virtual_hosted_style_request(!path_style.eq_ignore_ascii_case("true"));
    }
    builder
}

/// A Hadoop setting given to Spark as `spark.hadoop.<name>`.
fn hadoop(conf: &Options, name: &str) -> Option<String> {
    conf.get(&format!("spark.hadoop.{name}")).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// S3A endpoints may omit the scheme: https unless SSL is turned off.
fn with_scheme(endpoint: &str, ssl: bool) -> String {
    if endpoint.contains("://") {
        endpoint.to_string()
    } else if ssl {
        format!("https://{endpoint}")
    } else {
        format!("http://{endpoint}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_without_scheme_follow_ssl_setting() {
        assert_eq!(with_scheme("s3.example.com", true), "https://s3.example.com");
        assert_eq!(with_scheme("127.0.0.1:9000", false), "http://127.0.0.1:9000");
        assert_eq!(with_scheme("http://127.0.0.1:9000", true), "http://127.0.0.1:9000");
    }

    #[test]
    fn bucket_settings_win() {
        let pairs = [
            ("spark.hadoop.fs.s3a.access.key".to_string(), "global".to_string()),
            ("spark.hadoop.fs.s3a.bucket.b.access.key".to_string(), "bucket".to_string()),
            ("spark.hadoop.fs.s3a.secret.key".to_string(), "secret".to_string()),
        ];
        let conf = Options::new(pairs.iter().map(|(k, v)| (k, v)));
        let key = hadoop(&conf, "fs.s3a.bucket.b.access.key").or_else(|| hadoop(&conf, "fs.s3a.access.key"));
        assert_eq!(key.as_deref(), Some("bucket"));
        if let Err(e) = build("s3a", "b", &conf) {
            panic!("{e}");
        }
    }
}
