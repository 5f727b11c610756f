//! The command tree: one clap enum per noun (`clusters`, `upgrade`, `images`, `paths`,
//! `flavors`) plus `serve`, with doc-comment help and an example on every command. Parsing only;
//! the commands run in `serve` and `client::*`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the API refused the request (its `error_code: error_msg` is printed), or the named
     cluster or image does not exist
  2  usage or configuration error (bad flags, no credentials found, an ambiguous
     cluster name)
  3  the server could not be reached (the endpoint tried is printed)
  4  the watched upgrade ended FAILED or PARTIAL_FAILED (the failed phase is printed)

Credentials and endpoint come from the flags, then the SEARCHPLANE_* environment variables,
then <data-dir>/credentials.json (written by `searchplane serve` at its first start).

Examples:
  searchplane serve
  searchplane clusters create logs --version 7.6.2 --nodes 3 --wait
  searchplane upgrade targets logs --type cross
  searchplane upgrade start logs --image 7.10.2_24.3.4_0109 --no-backup-check --watch";

/// A self-hosted, wire-compatible Cloud Search Service cluster-upgrade API, and its client.
#[derive(Parser)]
#[command(name = "searchplane", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server.
    ///
    /// Example: searchplane serve --listen 127.0.0.1:9800 --data-dir ./searchplane-data
    Serve(ServeArgs),
    #[command(flatten)]
    Client(ClientCommand),
}

/// The client subcommands (they talk to a running server).
#[derive(Subcommand)]
pub enum ClientCommand {
    /// Create, list, show and delete clusters.
    #[command(after_help = "Examples:\n  searchplane clusters list\n  \
        searchplane clusters create logs --version 7.6.2 --nodes 3 --wait\n  \
        searchplane clusters show logs --output json")]
    Clusters(Noun<ClustersCommand>),
    /// List target images, start, follow, retry and abort upgrades.
    #[command(
        after_help = "Examples:\n  searchplane upgrade targets logs --type cross\n  \
        searchplane upgrade start logs --image 7.10.2_24.3.4_0109 --watch\n  \
        searchplane upgrade status logs --watch"
    )]
    Upgrade(Noun<UpgradeCommand>),
    /// The image catalog (operator API, needs the admin token).
    #[command(after_help = "Examples:\n  searchplane images list\n  \
        searchplane images add --engine elasticsearch --version 7.10.2 --build 25.1.0")]
    Images(Noun<ImagesCommand>),
    /// Upgrade paths between engine versions (operator API, needs the admin token).
    #[command(after_help = "Example:\n  searchplane paths list")]
    Paths(Noun<PathsCommand>),
    /// Node flavors offered for new clusters.
    #[command(after_help = "Example:\n  searchplane flavors list --output json")]
    Flavors(Noun<FlavorsCommand>),
}

/// `searchplane serve` flags (each also read from its environment variable).
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9800", env = "SEARCHPLANE_LISTEN")]
    pub listen: SocketAddr,
    /// Data directory: the SQLite database and credentials.json.
    #[arg(
        long,
        default_value = "./searchplane-data",
        env = "SEARCHPLANE_DATA_DIR"
    )]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); SQLite in the data directory when absent.
    #[arg(long, env = "SEARCHPLANE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Simulated seconds per real second for the simulated fleet.
    #[arg(long, default_value_t = 600.0, env = "SEARCHPLANE_SIM_SPEED")]
    pub sim_speed: f64,
}

/// A client noun: its verb plus the connection flags, which may go before or after the verb.
#[derive(Args)]
pub struct Noun<C: Subcommand> {
    #[command(subcommand)]
    pub command: C,
    #[command(flatten)]
    pub client: ClientArgs,
}

/// Where the server is, who we are, and how to print.
#[derive(Args, Clone, Debug)]
#[command(next_help_heading = "Connection and output (any position)")]
pub struct ClientArgs {
    /// Server endpoint (any path part is ignored). [default: http://127.0.0.1:9800]
    #[arg(long, global = true, env = "SEARCHPLANE_ENDPOINT", value_name = "URL")]
    pub endpoint: Option<String>,
    /// Access key (AK) for signing API requests.
    #[arg(long, global = true, env = "SEARCHPLANE_ACCESS_KEY", value_name = "AK")]
    pub access_key: Option<String>,
    /// Secret key (SK) for signing API requests.
    #[arg(
        long,
        global = true,
        env = "SEARCHPLANE_SECRET_KEY",
        value_name = "SK",
        hide_env_values = true
    )]
    pub secret_key: Option<String>,
    /// Project id used in API paths.
    #[arg(long, global = true, env = "SEARCHPLANE_PROJECT_ID", value_name = "ID")]
    pub project_id: Option<String>,
    /// Operator token for `images` and `paths`.
    #[arg(
        long,
        global = true,
        env = "SEARCHPLANE_ADMIN_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
    /// Data directory whose credentials.json fills in what flags and environment leave unset.
    #[arg(
        long,
        global = true,
        env = "SEARCHPLANE_DATA_DIR",
        default_value = "./searchplane-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,
    /// Output format: aligned tables for people, the API's JSON for scripts.
    #[arg(
        long,
        short = 'o',
        global = true,
        env = "SEARCHPLANE_OUTPUT",
        value_enum,
        default_value_t = Output::Table
    )]
    pub output: Output,
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned tables.
    Table,
    /// The API's JSON, pretty-printed.
    Json,
}

/// `searchplane clusters …`
#[derive(Subcommand)]
pub enum ClustersCommand {
    /// List the clusters of the project, newest first.
    #[command(after_help = "Example:\n  searchplane clusters list --engine elasticsearch")]
    List {
        /// Only clusters of this engine.
        #[arg(long, value_enum)]
        engine: Option<Engine>,
    },
    /// Show a cluster and its nodes.
    #[command(after_help = "Example:\n  searchplane clusters show logs")]
    Show {
        /// Cluster id or unique name.
        cluster: String,
    },
    /// Create a cluster (CreateCluster v2) on the simulated fleet.
    #[command(after_help = "Examples:\n  \
        searchplane clusters create logs --version 7.6.2 --nodes 3 --wait\n  \
        searchplane clusters create big --engine opensearch --version 1.3.6 --nodes 4 \
        --masters 3 --az eu-de-01,eu-de-02")]
    Create(Box<CreateArgs>),
    /// Delete a cluster (refused while it upgrades).
    #[command(after_help = "Example:\n  searchplane clusters delete logs")]
    Delete {
        /// Cluster id or unique name.
        cluster: String,
    },
}

/// `searchplane clusters create` flags.
#[derive(Args)]
pub struct CreateArgs {
    /// Cluster name (4–32 characters: letters, digits, `-`, `_`; starts with a letter).
    pub name: String,
    /// Engine.
    #[arg(long, value_enum, default_value_t = Engine::Elasticsearch)]
    pub engine: Engine,
    /// Engine version, e.g. 7.10.2.
    #[arg(long)]
    pub version: String,
    /// Number of data nodes.
    #[arg(long, default_value_t = 3)]
    pub nodes: i64,
    /// Flavor of the data nodes (see `searchplane flavors list`).
    #[arg(long, default_value = "ess.spec-4u8g")]
    pub flavor: String,
    /// Volume type of every node: COMMON, HIGH, ULTRAHIGH or ESSD.
    #[arg(long, default_value = "COMMON")]
    pub volume_type: String,
    /// Volume size of every node, GB (a multiple of 20).
    #[arg(long, default_value_t = 40)]
    pub volume_size: i64,
    /// Dedicated master nodes (an odd number).
    #[arg(long)]
    pub masters: Option<i64>,
    /// Client nodes.
    #[arg(long)]
    pub clients: Option<i64>,
    /// Cold data nodes.
    #[arg(long)]
    pub cold: Option<i64>,
    /// Flavor of master, client and cold nodes.
    #[arg(long, default_value = "ess.spec-4u8g")]
    pub role_flavor: String,
    /// Availability zones, comma-separated.
    #[arg(long, default_value = "eu-de-01")]
    pub az: String,
    /// VPC id.
    #[arg(long, default_value = "vpc-default")]
    pub vpc_id: String,
    /// Subnet id.
    #[arg(long, default_value = "subnet-default")]
    pub subnet_id: String,
    /// Security group id.
    #[arg(long, default_value = "sg-default")]
    pub security_group_id: String,
    /// Description.
    #[arg(long)]
    pub desc: Option<String>,
    /// Enable the security mode with this administrator password.
    #[arg(long, value_name = "PASSWORD")]
    pub admin_password: Option<String>,
    /// Enable HTTPS access (needs --admin-password).
    #[arg(long)]
    pub https: bool,
    /// Wait until the cluster is available (status 200).
    #[arg(long)]
    pub wait: bool,
}

/// Engines a cluster can run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    /// Elasticsearch.
    Elasticsearch,
    /// OpenSearch.
    Opensearch,
}

impl Engine {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Elasticsearch => "elasticsearch",
            Engine::Opensearch => "opensearch",
        }
    }
}

/// `upgrade_type` of ListImages and UpgradeCore.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum UpgradeType {
    /// A newer image of the same version.
    Same,
    /// A newer version of the same engine.
    Cross,
    /// Elasticsearch to OpenSearch.
    CrossEngine,
}

impl UpgradeType {
    /// Every type, in the order `upgrade start` searches them for an image.
    pub const ALL: [UpgradeType; 3] = [
        UpgradeType::Same,
        UpgradeType::Cross,
        UpgradeType::CrossEngine,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            UpgradeType::Same => "same",
            UpgradeType::Cross => "cross",
            UpgradeType::CrossEngine => "cross-engine",
        }
    }
}

/// `searchplane upgrade …`
#[derive(Subcommand)]
pub enum UpgradeCommand {
    /// List the images a cluster can be upgraded to (ListImages).
    #[command(
        after_help = "Examples:\n  searchplane upgrade targets logs --type cross\n  \
        searchplane upgrade targets logs --type same --output json"
    )]
    Targets {
        /// Cluster id or unique name.
        cluster: String,
        /// Upgrade type.
        #[arg(long = "type", value_enum)]
        kind: UpgradeType,
    },
    /// Start an upgrade (UpgradeCore), or only run its pre-upgrade checks with --dry-run.
    #[command(after_help = "Examples:\n  \
        searchplane upgrade start logs --image 7.10.2_24.3.4_0109 --dry-run\n  \
        searchplane upgrade start logs --image 0c7c8a9e-… --type cross --batch-size 2 --watch")]
    Start(StartArgs),
    /// Show the newest upgrade task of a cluster, or follow it with --watch.
    #[command(after_help = "Examples:\n  searchplane upgrade status logs\n  \
        searchplane upgrade status logs --watch   # exits 0 on SUCCESS, 4 on failure")]
    Status {
        /// Cluster id or unique name.
        cluster: String,
        /// Follow the task with a progress bar until it ends.
        #[arg(long)]
        watch: bool,
    },
    /// Retry a failed upgrade task from its failed phase.
    #[command(after_help = "Example:\n  searchplane upgrade retry logs 5f0c…e1 --watch")]
    Retry {
        /// Cluster id or unique name.
        cluster: String,
        /// Task id (the `id` shown by `upgrade status`).
        task: String,
        /// Follow the task until it ends.
        #[arg(long)]
        watch: bool,
    },
    /// Abort a failed upgrade task and release the cluster; nodes keep their images.
    #[command(after_help = "Example:\n  searchplane upgrade abort logs 5f0c…e1")]
    Abort {
        /// Cluster id or unique name.
        cluster: String,
        /// Task id (the `id` shown by `upgrade status`).
        task: String,
    },
}

/// `searchplane upgrade start` flags.
#[derive(Args)]
pub struct StartArgs {
    /// Cluster id or unique name.
    pub cluster: String,
    /// Target image: its id or display name, from `upgrade targets`.
    #[arg(long)]
    pub image: String,
    /// Upgrade type; when absent, the type whose targets hold the image.
    #[arg(long = "type", value_enum)]
    pub kind: Option<UpgradeType>,
    /// Data nodes migrated at once (1 to half the data nodes).
    #[arg(long)]
    pub batch_size: Option<i64>,
    /// Skip the check that every index is covered by a snapshot.
    #[arg(long)]
    pub no_backup_check: bool,
    /// Skip the cluster load check.
    #[arg(long)]
    pub no_load_check: bool,
    /// IAM agency the upgrade runs under.
    #[arg(long, default_value = "css_upgrade_agency")]
    pub agency: String,
    /// Only run the pre-upgrade checks and print them; start nothing.
    #[arg(long, conflicts_with = "watch")]
    pub dry_run: bool,
    /// Follow the task with a progress bar until it ends.
    #[arg(long)]
    pub watch: bool,
}

/// `searchplane images …`
#[derive(Subcommand)]
pub enum ImagesCommand {
    /// List every image of the catalog.
    #[command(after_help = "Example:\n  searchplane images list --output json")]
    List,
    /// Add an image to the catalog.
    #[command(
        after_help = "Example:\n  searchplane images add --engine elasticsearch \
        --version 7.10.2 --build 25.1.0 --priority 30 --desc \"January build\""
    )]
    Add {
        /// Engine.
        #[arg(long, value_enum)]
        engine: Engine,
        /// Engine version, e.g. 7.10.2.
        #[arg(long)]
        version: String,
        /// Build, e.g. 25.1.0.
        #[arg(long)]
        build: String,
        /// Release date YYYY-MM-DD (today when absent).
        #[arg(long)]
        release_date: Option<String>,
        /// Description.
        #[arg(long, default_value = "")]
        desc: String,
        /// Priority (larger is more recommended).
        #[arg(long, default_value_t = 0, allow_negative_numbers = true)]
        priority: i32,
        /// Image id (a UUID is generated when absent).
        #[arg(long)]
        id: Option<String>,
    },
}

/// `searchplane paths …`
#[derive(Subcommand)]
pub enum PathsCommand {
    /// List the upgrade paths.
    #[command(after_help = "Example:\n  searchplane paths list")]
    List,
}

/// `searchplane flavors …`
#[derive(Subcommand)]
pub enum FlavorsCommand {
    /// List node flavors by engine version and node type (ListFlavors).
    #[command(after_help = "Example:\n  searchplane flavors list")]
    List,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_client_command_has_an_example_in_its_help() {
        fn walk(cmd: &clap::Command, path: &str) {
            for sub in cmd.get_subcommands() {
                let path = format!("{path} {}", sub.get_name());
                if sub.get_name() != "help" {
                    let has_example = sub
                        .get_after_help()
                        .is_some_and(|h| h.to_string().contains("searchplane"))
                        || sub
                            .get_long_about()
                            .or(sub.get_about())
                            .is_some_and(|h| h.to_string().contains("searchplane"));
                    assert!(has_example, "`{path}` has no example in its help");
                }
                walk(sub, &path);
            }
        }
        walk(&Cli::command(), "searchplane");
    }
}
