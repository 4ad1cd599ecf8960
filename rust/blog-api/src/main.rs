use blog_api::http::{App, handle};
use blog_api::settings::Settings;
use blog_api::store::{DynamoIndex, dynamodb_client};
use lambda_http::{Error, service_fn};

// One vCPU or less at small memory sizes: a single-threaded runtime is enough, and
// both queries of `GET /` still run concurrently on it.
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let settings = Settings::from_env()?;
    let index = DynamoIndex::new(
        dynamodb_client().await,
        settings.table_name,
        settings.index_name,
    );
    let app = App {
        index,
        page_size: settings.page_size,
    };
    lambda_http::run(service_fn(|request| handle(&app, request))).await
}
