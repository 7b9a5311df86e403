//! The app as the UI reaches it: commands through Tauri's IPC with a mock runtime.
#![allow(dead_code)]

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{
    get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY,
};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

pub struct Ui {
    _dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

pub fn ui() -> Ui {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixwell.sqlite");
    ui_on(dir, &path)
}

/// The app on the database at `path`, which `dir` keeps alive.
pub fn ui_on(dir: tempfile::TempDir, path: &std::path::Path) -> Ui {
    let state =
        mixwell_app::AppState::open(path, Some(&mixwell_vault::Passphrase::new(PASSPHRASE)));
    ui_with(dir, state)
}

pub const PASSPHRASE: &str = "otter kettle lamp";

pub fn ui_with(dir: tempfile::TempDir, state: mixwell_app::AppState) -> Ui {
    let app = mixwell_app::app(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .unwrap();
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Ui {
        _dir: dir,
        _app: app,
        webview,
    }
}

impl Ui {
    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    pub fn wave(&self) -> String {
        self.programme_and_wave().1
    }

    /// A new programme with one wave: their ids.
    pub fn programme_and_wave(&self) -> (String, String) {
        let programme = self
            .invoke("create_programme", json!({ "name": "NCS 2027" }))
            .unwrap();
        let wave = self
            .invoke(
                "create_wave",
                json!({ "programmeId": programme["id"], "wave": { "name": "Wave 1", "site": "" } }),
            )
            .unwrap();
        (
            programme["id"].as_str().unwrap().to_owned(),
            wave["id"].as_str().unwrap().to_owned(),
        )
    }
}

pub const HEADER: &str = "id,first_name,last_name,date_of_birth,gender,ethnicity,faith,school,postcode,fsm,additional_needs,friends\n";
