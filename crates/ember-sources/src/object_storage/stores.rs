//! Object stores configured as Hadoop's file systems are: `spark.hadoop.*`
//! settings of S3A, the GCS connector and ABFS (per bucket first, as S3A's
//! `fs.s3a.bucket.<bucket>.*`), then the environment (`AWS_*`, `GOOGLE_*`,
//! `AZURE_*`).

use std::sync::Arc;

use ember_errors::SparkError;
use object_store::gcp::GcpCredential;
use object_store::{ClientOptions, ObjectStore, StaticCredentialProvider};
use object_store::aws::AmazonS3Builder;
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;

use crate::options::Options;

/// The store holding `authority` (a bucket, or Azure's `container@account...`).
pub(super) fn build(scheme: &str, authority: &str, conf: &Options) -> Result<Arc<dyn ObjectStore>, SparkError> {
    let failed = |e: object_store::Error| SparkError::illegal_argument(format!("cannot reach {scheme}://{authority}: {e}"));
    match scheme {
        "gs" => Ok(Arc::new(gcs_builder(authority, conf).build().map_err(failed)?)),
        "abfss" | "abfs" | "wasbs" | "wasb" => Ok(Arc::new(azure_builder(authority, conf)?.build().map_err(failed)?)),
        _ => Ok(Arc::new(s3_builder(authority, conf).build().map_err(failed)?)),
    }
}

/// A GCS client for `bucket` from the GCS connector's settings: the
/// service-account key file (`fs.gs.auth.service.account.json.keyfile`, or
/// 2.x's `google.cloud.auth.service.account.json.keyfile`), the endpoint
/// (`fs.gs.storage.root.url`) and `fs.gs.auth.type=UNAUTHENTICATED`.
fn gcs_builder(bucket: &str, conf: &Options) -> GoogleCloudStorageBuilder {
    let mut builder = GoogleCloudStorageBuilder::from_env().with_bucket_name(bucket);
    let keyfile =
        hadoop(conf, "fs.gs.auth.service.account.json.keyfile").or_else(|| hadoop(conf, "google.cloud.auth.service.account.json.keyfile"));
    if let Some(keyfile) = keyfile {
        builder = builder.with_service_account_path(keyfile);
    }
    if let Some(root) = hadoop(conf, "fs.gs.storage.root.url") {
        let root = root.trim_end_matches('/');
        builder = builder.with_base_url(root).with_client_options(ClientOptions::new().with_allow_http(root.starts_with("http://")));
    }
    if hadoop(conf, "fs.gs.auth.type").is_some_and(|t| t.eq_ignore_ascii_case("UNAUTHENTICATED")) {
        // Uploads and copies ask the credential provider even when signing is
        // skipped: an empty static token keeps them off the metadata server.
        let anonymous = StaticCredentialProvider::new(GcpCredential { bearer: String::new() });
        builder = builder.with_skip_signature(true).with_credentials(Arc::new(anonymous));
    }
    builder
}

/// An Azure Blob client for `container@<account host>` from ABFS's
/// settings: the shared key (`fs.azure.account.key.<account host>`) and an
/// endpoint in place of the account's host (`fs.azure.abfs.endpoint`, over
/// http when `fs.azure.always.use.https` is false). An endpoint that is an
/// IP address or `localhost` (an emulator such as Azurite) names the account
/// in the path, as ABFS does.
fn azure_builder(authority: &str, conf: &Options) -> Result<MicrosoftAzureBuilder, SparkError> {
    let (container, account_host) = authority
        .split_once('@')
        .ok_or_else(|| SparkError::illegal_argument(format!("no account in {authority}: expected <container>@<account host>")))?;
    let account = account_host.split('.').next().unwrap_or(account_host);
    let mut builder = MicrosoftAzureBuilder::from_env().with_container_name(container).with_account(account);
    if let Some(key) = hadoop(conf, &format!("fs.azure.account.key.{account_host}")) {
        builder = builder.with_access_key(key);
    }
    if let Some(endpoint) = hadoop(conf, "fs.azure.abfs.endpoint") {
        let https = hadoop(conf, "fs.azure.always.use.https").is_none_or(|v| !v.eq_ignore_ascii_case("false"));
        let url = azure_endpoint(&endpoint, account, https);
        builder = builder.with_client_options(ClientOptions::new().with_allow_http(url.starts_with("http://"))).with_endpoint(url);
    }
    Ok(builder)
}

/// The account URL for an `fs.azure.abfs.endpoint` value.
fn azure_endpoint(endpoint: &str, account: &str, https: bool) -> String {
    let host = endpoint.split_once("://").map_or(endpoint, |(_, rest)| rest).trim_end_matches('/');
    let protocol = if https { "https" } else { "http" };
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    if name == "localhost" || name.parse::<std::net::IpAddr>().is_ok() {
        format!("{protocol}://{host}/{account}")
    } else {
        format!("{protocol}://{account}.{host}")
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
    fn azure_endpoints_put_emulator_accounts_in_the_path() {
        assert_eq!(azure_endpoint("127.0.0.1:10000", "acct", false), "http://127.0.0.1:10000/acct");
        assert_eq!(azure_endpoint("http://localhost:10000/", "acct", false), "http://localhost:10000/acct");
        assert_eq!(azure_endpoint("dfs.core.chinacloudapi.cn", "acct", true), "https://acct.dfs.core.chinacloudapi.cn");
    }

    #[test]
    fn emulator_settings_build_gcs_and_azure_stores() {
        let pairs = [
            ("spark.hadoop.fs.gs.storage.root.url".to_string(), "http://127.0.0.1:4443/".to_string()),
            ("spark.hadoop.fs.gs.auth.type".to_string(), "UNAUTHENTICATED".to_string()),
            ("spark.hadoop.fs.azure.abfs.endpoint".to_string(), "127.0.0.1:10000".to_string()),
            ("spark.hadoop.fs.azure.always.use.https".to_string(), "false".to_string()),
            ("spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net".to_string(), "a2V5".to_string()),
        ];
        let conf = Options::new(pairs.iter().map(|(k, v)| (k, v)));
        assert!(build("gs", "bucket", &conf).is_ok());
        assert!(build("abfss", "container@acct.dfs.core.windows.net", &conf).is_ok());
        assert!(build("abfss", "container", &conf).is_err());
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
