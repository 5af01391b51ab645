"""REST endpoints for plugins: what is installed, which program each serves, settings, actions and panels.

Compatible with the original web version's two plugin endpoints (``GET /api/plugins/program/{id}``,
``POST /api/plugins/{id}/action``). Secrets (passwords) go in with the settings and never come back out:
answers list only which secrets are set. A long-running action (a backup) is not waited for: it is queued as
a job and answered with 202 and the job, whose progress and outcome ``GET /api/jobs/{id}`` tells.
"""

from typing import Any

from monitor_app.core.ports import Engine
from monitor_app.core.states import Cause
from monitor_app.httpapi import schemas
from monitor_app.httpapi.dispatch import ApiError, Context, Reply, Route
from monitor_app.httpapi.query import invalid


def build_plugin_routes(engine: Engine) -> list[Route]:
    plugins = engine.plugins

    def catalog(_c: Context) -> Any:
        return plugins.catalog_json()

    def program_plugins(c: Context) -> Any:
        engine.program(c.params["id"])
        return [plugins.describe(instance) for instance in plugins.instances(c.params["id"])]

    def attach(c: Context) -> Reply:
        plugin_id = c.json.get("plugin")
        if not isinstance(plugin_id, str) or not plugin_id:
            raise invalid("plugin", "is required: the id of an installed plugin (GET /api/plugins)")
        instance = plugins.attach(c.params["id"], plugin_id, c.json.get("settings") or {})
        engine.record_audit(f"plugin {plugin_id} attached to program {c.params['id']}", cause=Cause.API, actor=c.actor)
        return Reply(plugins.describe(instance), status=201, headers={"Location": f"/api/plugins/{instance.id}"})

    def get_instance(c: Context) -> Any:
        return plugins.describe(plugins.instance(c.params["id"]))

    def update(c: Context) -> Any:
        instance = plugins.update(c.params["id"], c.json)
        engine.record_audit(f"plugin instance {instance.id} changed", cause=Cause.API, actor=c.actor)
        return plugins.describe(instance)

    def detach(c: Context) -> Reply:
        instance = plugins.detach(c.params["id"])
        engine.record_audit(f"plugin {instance.plugin_id} detached from program {instance.program_id}",
                            cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    def action(c: Context) -> Any:
        name = c.json.get("action")
        if not isinstance(name, str) or not name:
            raise invalid("action", "is required")
        params = c.json.get("params") or {}
        if not isinstance(params, dict):
            raise invalid("params", "must be an object")
        instance_id = c.params["id"]
        if plugins.action_requires_admin(instance_id, name) and not (c.principal and c.principal.is_admin):
            raise ApiError(403, "forbidden", "only an admin may do this")
        if plugins.is_long_running(instance_id, name):
            job = plugins.queue_action(instance_id, name, params, actor=c.actor)
            engine.record_audit(f"plugin action {name} on instance {instance_id} queued as job {job.id}",
                                cause=Cause.API, actor=c.actor)
            return Reply({"instance_id": instance_id, "action": name, "job_id": job.id, "job": schemas.job_json(job)},
                         status=202, headers={"Location": f"/api/jobs/{job.id}"})
        result = plugins.run_action(instance_id, name, params)
        if plugins.action_requires_admin(instance_id, name):
            engine.record_audit(f"plugin action {name} on instance {instance_id}", cause=Cause.API, actor=c.actor)
        return {"instance_id": instance_id, "action": name, "result": result}

    def panel(c: Context) -> Any:
        return plugins.panel_json(c.params["id"])

    return [
        Route("GET", "/api/plugins", catalog, "guest", "Installed plugins (loaded or not, with the reason)",
              tag="plugins"),
        Route("GET", "/api/plugins/program/{id}", program_plugins, "guest",
              "Plugins attached to a program, with their actions and status", tag="plugins"),
        Route("POST", "/api/plugins/program/{id}", attach, "admin", "Attach a plugin to a program",
              limit="manage", body="PluginAttach", status=201, tag="plugins"),
        Route("GET", "/api/plugins/{id}", get_instance, "guest", "One plugin instance", tag="plugins"),
        Route("PUT", "/api/plugins/{id}", update, "admin", "Change a plugin instance's settings or switch it",
              limit="manage", body="PluginUpdate", tag="plugins"),
        Route("DELETE", "/api/plugins/{id}", detach, "admin", "Detach a plugin from its program", limit="manage",
              status=204, tag="plugins"),
        Route("POST", "/api/plugins/{id}/action", action, "guest",
              "Run a plugin action (admins only, except read actions such as players); a long one (a backup) "
              "is queued as a job and answered with 202 and the job", limit="action",
              body="PluginAction", tag="plugins"),
        Route("GET", "/api/plugins/{id}/panel", panel, "guest", "What the plugin's panel shows now",
              tag="plugins"),
    ]
