// The console reads and changes the hub through the same admin API as scripts do. The token stays in
// this tab's session storage and travels only as a bearer header. Every value from the hub is put on
// the page as text (textContent, never innerHTML), so a display name holding markup stays text.
"use strict";

const $ = id => document.getElementById(id);
const tokenField = $("token");
const statusLine = $("status");
const deviceQuery = { page: 0 };
let currentView = "devices";
let liveTimer = null;
let editing = null;
let editingDevice = null;

// ---- talking to the hub

/** An API refusal: the hub's status, its reason code and its message. */
class Refusal extends Error {
  constructor(status, reason, message, body) {
    super(status + " " + reason + (message ? ": " + message : ""));
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

function token() {
  return sessionStorage.getItem("hub-token") || "";
}

async function api(method, path, body, contentType) {
  const headers = { "Authorization": "Bearer " + token() };
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = contentType || "application/json";
    payload = contentType ? body : JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (error) {
    throw new Refusal("network", "unreachable", "the hub did not answer (" + error.message + ")");
  }
  return answer(response.status, await response.text());
}

/** The JSON of an answer, or a Refusal carrying the hub's reason. */
function answer(status, text) {
  let json = {};
  if (text) {
    try {
      json = JSON.parse(text);
    } catch (error) {
      if (status >= 400) throw new Refusal(status, "error", text.slice(0, 300));
      throw new Refusal(status, "bad-answer", "the hub's answer is not JSON");
    }
  }
  if (status >= 400) {
    if (status === 401) showSignedOut("signed out: the hub refused the token (" + (json.error || "") + ")");
    throw new Refusal(status, json.error || "error", json.message || "", json);
  }
  return json;
}

/** A body sent with upload progress (fetch has none): XMLHttpRequest, the answer read as api() reads it. */
function upload(path, body, contentType, progress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("Authorization", "Bearer " + token());
    request.setRequestHeader("Content-Type", contentType);
    request.upload.onprogress = event => {
      if (event.lengthComputable) progress.value = Math.round(100 * event.loaded / event.total);
    };
    request.onload = () => {
      progress.value = 100;
      try {
        resolve(answer(request.status, request.responseText));
      } catch (refusal) {
        reject(refusal);
      }
    };
    request.onerror = () => reject(new Refusal("network", "unreachable", "the upload did not reach the hub"));
    progress.value = 0;
    request.send(body);
  });
}

function say(text, failed) {
  statusLine.textContent = text;
  statusLine.className = failed ? "failed" : "done";
}

/** Runs an action; its refusal is shown with the hub's reason. */
async function attempt(what, action) {
  try {
    return await action();
  } catch (error) {
    say(what + " failed: " + error.message, true);
    return undefined;
  }
}

// ---- building tables as text

function text(value) {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function cell(row, value, className) {
  const td = row.insertCell();
  td.textContent = text(value);
  if (className) td.className = className;
  return td;
}

function header(table, columns) {
  table.replaceChildren();
  const row = table.createTHead().insertRow();
  for (const column of columns) {
    const th = document.createElement("th");
    th.textContent = column;
    row.appendChild(th);
  }
  return table.createTBody();
}

/** A table of rows; columns are [title, value function, optional class function]. */
function fill(table, columns, rows, empty) {
  const body = header(table, columns.map(column => column[0]));
  for (const item of rows) {
    const row = body.insertRow();
    for (const [, value, className] of columns) cell(row, value(item), className ? className(item) : "");
  }
  if (rows.length === 0) {
    const td = body.insertRow().insertCell();
    td.colSpan = columns.length;
    td.className = "empty";
    td.textContent = empty || "none";
  }
  return body;
}

function button(label, onClick, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.textContent = label;
  if (className) element.className = className;
  element.addEventListener("click", onClick);
  return element;
}

function when(instant) {
  if (!instant) return "";
  const date = new Date(instant);
  return isNaN(date) ? String(instant) : date.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function options(select, values, first) {
  const kept = select.value;
  select.replaceChildren();
  const none = document.createElement("option");
  none.value = "";
  none.textContent = first;
  select.appendChild(none);
  for (const value of values) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = value;
    select.appendChild(option);
  }
  select.value = values.includes(kept) ? kept : "";
}

function datalist(list, values) {
  list.replaceChildren(...values.map(value => {
    const option = document.createElement("option");
    option.value = value;
    return option;
  }));
}

// ---- signing in and views

function showSignedOut(reason) {
  sessionStorage.removeItem("hub-token");
  tokenField.value = "";
  $("views").hidden = true;
  $("console").hidden = true;
  $("sign-out").hidden = true;
  tokenField.hidden = false;
  $("sign-in").hidden = false;
  stopLive();
  if (reason) say(reason, true);
}

async function signIn(value) {
  sessionStorage.setItem("hub-token", value);
  try {
    await api("GET", "/admin/v1/fleet?size=1");
  } catch (error) {
    showSignedOut("sign-in failed: " + error.message);
    return;
  }
  tokenField.value = "";
  tokenField.hidden = true;
  $("sign-in").hidden = true;
  $("sign-out").hidden = false;
  $("views").hidden = false;
  $("console").hidden = false;
  say("signed in", false);
  show(currentView);
}

function show(view) {
  currentView = view;
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== "view-" + view;
  for (const tab of document.querySelectorAll("#views button")) {
    tab.className = tab.dataset.view === view ? "current" : "";
  }
  stopLive();
  const load = { devices: loadDevices, import: () => {}, firmware: loadFirmware, sites: () => {},
    alerts: loadAlerts, live: startLive, audit: loadAudit }[view];
  load();
}

// ---- devices

async function loadDevices() {
  const form = $("device-filter");
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) query.set(name, value);
  query.set("page", deviceQuery.page);
  const fleet = await attempt("loading the devices", () => api("GET", "/admin/v1/fleet?" + query));
  if (!fleet) return;
  options($("filter-site"), fleet.sites, "every site");
  options($("filter-model"), fleet.models, "every model");
  datalist($("known-sites"), fleet.sites);
  datalist($("known-models"), fleet.models);
  const pages = Math.max(1, Math.ceil(fleet.total / fleet.size));
  $("page-summary").textContent = "page " + (fleet.page + 1) + " of " + pages + " · " + fleet.total
    + " phone(s), " + fleet.registered + " registered";
  $("page-previous").disabled = fleet.page === 0;
  $("page-next").disabled = fleet.page + 1 >= pages;
  const body = fill($("devices"), [
    ["MAC", d => d.mac, () => "mac"],
    ["Ext.", d => d.extension],
    ["Display name", d => d.displayName, () => "name"],
    ["Model", d => d.model],
    ["Site", d => d.site],
    ["State", d => d.state, d => "state " + d.state],
    ["Registered", registration, d => "registered " + (d.registered ? "yes" : "no")],
    ["Call", d => d.inCall ? "in a call" : "", () => "call"],
    ["Last contact", d => d.lastContact ? when(d.lastContact.at) + " " + d.lastContact.kind + " from "
      + (d.lastContact.sourceIp || "?") : "never"],
    ["Firmware", d => (d.firmware.running || "?") + (d.firmware.target ? " → " + d.firmware.target : ""),
      d => d.firmware.upToDate ? "" : "behind"],
    ["DHCP alerts", d => d.dhcpAlerts || "", d => d.dhcpAlerts ? "alert" : ""],
    ["Certificate", d => d.certificate],
    ["Last resync", d => d.resync ? d.resync.outcome + " " + when(d.resync.at) : "", () => "resync"],
    ["", () => ""]
  ], fleet.devices, "no phone matches");
  fleet.devices.forEach((device, index) => {
    const row = body.rows[index];
    row.dataset.mac = device.mac;
    const actions = row.cells[row.cells.length - 1];
    actions.className = "actions";
    actions.append(
      button("Edit", () => openEdit(device.mac)),
      button("Resync", () => resync(device.mac, false)),
      button("Reboot", () => resync(device.mac, true)),
      device.state === "enabled" ? button("Disable", () => setState(device.mac, "disabled"))
        : button("Enable", () => setState(device.mac, "enabled")),
      button("Remove", () => removeDevice(device.mac), "danger"));
  });
}

function registration(device) {
  if (!device.registered) return "no";
  return device.bindings.map(binding => (binding.flow === "up" ? "flow up" : "no flow") + " from "
    + (binding.source || "?") + (binding.lastKeepalive ? ", keepalive " + when(binding.lastKeepalive) : "")).join("; ");
}

async function resync(mac, reboot) {
  const what = (reboot ? "reboot " : "resync ") + mac;
  say(what + ": sent, waiting for the phone's answer…", false);
  const result = await attempt(what, () => api("POST", "/admin/v1/devices/" + mac + (reboot ? "/reboot" : "/resync")));
  if (result) {
    say(what + ": " + result.outcome + (result.status ? " (SIP " + result.status + ")" : "")
      + (result.detail ? " · " + result.detail : ""), result.outcome !== "ok");
  }
  loadDevices();
}

async function setState(mac, state) {
  if (await attempt(state + " " + mac, () => api("PATCH", "/admin/v1/devices/" + mac, { state }))) {
    say(mac + " " + state, false);
    loadDevices();
  }
}

async function removeDevice(mac) {
  if (!confirm("Remove " + mac + "? Its configuration and SIP account go with it.")) return;
  if (await attempt("removing " + mac, () => api("DELETE", "/admin/v1/devices/" + mac)) !== undefined) {
    say(mac + " removed", false);
    loadDevices();
  }
}

async function openEdit(mac) {
  const device = await attempt("loading " + mac, () => api("GET", "/admin/v1/devices/" + mac));
  if (!device) return;
  editing = mac;
  editingDevice = device;
  const form = $("edit");
  $("edit-mac").textContent = mac;
  for (const name of ["model", "extension", "displayName", "site", "region"]) form.elements[name].value = device[name] || "";
  const detail = $("edit-detail");
  detail.replaceChildren();
  const certificate = document.createElement("p");
  certificate.textContent = "Certificate: " + (device.certificate.bound ? "bound to " + device.certificate.bound
    : device.certificate.pending ? "pending approval: " + device.certificate.pending + " from "
      + device.certificate.pendingSourceIp : "not bound");
  const settings = document.createElement("p");
  settings.textContent = "Device settings: " + text(device.settings);
  const history = document.createElement("table");
  history.className = "data";
  fill(history, [["When", c => when(c.at)], ["Kind", c => c.kind], ["From", c => c.sourceIp],
    ["Firmware", c => c.firmware], ["User agent", c => c.userAgent]], device.history || [], "no contact yet");
  detail.append(certificate, settings, history);
  form.hidden = false;
  $("enroll").hidden = true;
}

async function saveEdit(event) {
  event.preventDefault();
  // Only what the admin changed: the other fields stay as the hub has them.
  const patch = {};
  for (const [name, value] of new FormData(event.target)) {
    if (value !== (editingDevice[name] || "")) patch[name] = value;
  }
  if (Object.keys(patch).length === 0) {
    say("nothing changed on " + editing, false);
    return;
  }
  if (await attempt("saving " + editing, () => api("PATCH", "/admin/v1/devices/" + editing, patch))) {
    say(editing + " saved", false);
    loadDevices();
  }
}

async function enroll(event) {
  event.preventDefault();
  const body = {};
  for (const [name, value] of new FormData(event.target)) if (value) body[name] = value;
  const device = await attempt("enrolling", () => api("POST", "/admin/v1/devices", body));
  if (device) {
    event.target.reset();
    say(device.mac + " enrolled", false);
    loadDevices();
  }
}

// ---- CSV import

async function importCsv(event) {
  event.preventDefault();
  const dryRun = event.submitter && event.submitter.value === "dry-run";
  const file = $("import-file").files[0];
  const body = file || $("import-text").value;
  if (!body || (file && file.size === 0)) {
    say("choose a CSV file or paste one: the import is empty", true);
    return;
  }
  $("import-summary").textContent = "";
  $("import-errors").replaceChildren();
  let report;
  try {
    report = await upload("/admin/v1/devices/import" + (dryRun ? "?dryRun=true" : ""), body, "text/csv",
      $("import-progress"));
  } catch (error) {
    // 422 is a file with bad lines: its body is the report that lists them. Anything else failed outright.
    if (!(error instanceof Refusal) || error.status !== 422 || !error.body || !error.body.errors) {
      say((dryRun ? "the check" : "the import") + " failed: " + error.message, true);
      return;
    }
    report = error.body;
  }
  const summary = report.lines + " line(s): " + report.created + " to create, " + report.updated + " to update, "
    + report.deleted + " to delete; " + report.errorCount + " bad line(s); "
    + (report.applied ? "applied" : "nothing stored");
  $("import-summary").textContent = summary;
  fill($("import-errors"), [["Line", e => e.line, () => "line"], ["What is wrong", e => e.reason, () => "reason"]],
    report.errors, "no bad line");
  say(summary, report.errorCount > 0);
}

// ---- firmware

async function loadFirmware() {
  const firmware = await attempt("loading the firmware", () => api("GET", "/admin/v1/firmware"));
  if (!firmware) return;
  const targets = firmware.images.filter(image => image.target);
  fill($("firmware-targets"), [["Model", i => i.model], ["Target", i => i.version], ["SHA-256", i => i.sha256]],
    targets, "no target: phones keep what they run");
  const body = fill($("firmware"), [["Model", i => i.model], ["Version", i => i.version], ["Size", i => i.size],
    ["SHA-256", i => i.sha256], ["Uploaded", i => when(i.uploadedAt)], ["Target", i => i.target ? "yes" : ""],
    ["", () => ""]], firmware.images, "no image uploaded");
  firmware.images.forEach((image, index) => {
    const actions = body.rows[index].cells[6];
    if (!image.target) {
      actions.append(button("Make target", () => setTarget(image)),
        button("Delete", () => deleteImage(image), "danger"));
    }
  });
}

async function setTarget(image) {
  if (await attempt("setting the target", () => api("PUT", "/admin/v1/firmware/target",
    { model: image.model, version: image.version }))) {
    say(image.model + " phones now get " + image.version, false);
    loadFirmware();
  }
}

async function deleteImage(image) {
  const path = "/admin/v1/firmware/" + encodeURIComponent(image.model) + "/" + encodeURIComponent(image.version);
  if (await attempt("deleting " + image.version, () => api("DELETE", path)) !== undefined) {
    say(image.model + " " + image.version + " deleted", false);
    loadFirmware();
  }
}

async function uploadFirmware(event) {
  event.preventDefault();
  const form = event.target;
  const file = $("firmware-file").files[0];
  if (!file || file.size === 0) {
    say("the firmware upload failed: choose a file that is not empty", true);
    return;
  }
  const query = new URLSearchParams({ model: form.elements.model.value, version: form.elements.version.value });
  try {
    const image = await upload("/admin/v1/firmware?" + query, file, "application/octet-stream", $("firmware-progress"));
    say("uploaded " + image.model + " " + image.version + " (sha256 " + image.sha256 + ")", false);
    loadFirmware();
  } catch (error) {
    say("the firmware upload failed: " + error.message, true);
  }
}

// ---- sites

async function openSite(event) {
  if (event) event.preventDefault();
  const site = $("site-name").value.trim();
  const answer = await attempt("loading site " + site, () => api("GET", "/admin/v1/sites/" + encodeURIComponent(site)));
  if (!answer) return;
  const body = header($("site-table"), ["Setting", "Value", ""]);
  for (const [key, value] of Object.entries(answer.settings)) settingRow(body, key, value);
  $("site-settings").hidden = false;
  $("site-rollout").textContent = "";
}

function settingRow(body, key, value) {
  const row = body.insertRow();
  for (const [name, content] of [["key", key], ["value", value]]) {
    const input = document.createElement("input");
    input.name = name;
    input.value = content;
    row.insertCell().appendChild(input);
  }
  row.insertCell().appendChild(button("Remove", () => row.remove()));
}

async function saveSite(event) {
  event.preventDefault();
  const site = $("site-name").value.trim();
  const settings = {};
  for (const row of $("site-table").tBodies[0].rows) {
    const key = row.querySelector("input[name=key]").value.trim();
    if (key) settings[key] = row.querySelector("input[name=value]").value;
  }
  if (await attempt("saving site " + site, () => api("PUT", "/admin/v1/sites/" + encodeURIComponent(site), { settings }))) {
    say("site " + site + " saved; its phones are told to resync", false);
    openSite();
  }
}

async function resyncSite() {
  const site = $("site-name").value.trim();
  let rollout = await attempt("resyncing site " + site,
    () => api("POST", "/admin/v1/sites/" + encodeURIComponent(site) + "/resync"));
  // Progress until the rollout is done, for as long as the page is on it: a bounded number of polls.
  for (let poll = 0; rollout && poll < 600; poll++) {
    $("site-rollout").textContent = "rollout " + rollout.id + ": " + rollout.done + " of " + rollout.total + " done "
      + Object.entries(rollout.outcomes).filter(([, count]) => count > 0).map(([code, count]) => code + " " + count)
        .join(", ");
    if (rollout.pending === 0) break;
    await new Promise(resolve => setTimeout(resolve, 1000));
    rollout = await attempt("following the rollout", () => api("GET", "/admin/v1/resyncs/" + rollout.id));
  }
}

// ---- alerts, live state, audit

async function loadAlerts() {
  const alerts = await attempt("loading the alerts", () => api("GET", "/admin/v1/alerts"));
  if (alerts) {
    fill($("alerts"), [["Severity", a => a.severity, a => "severity " + a.severity], ["Site", a => a.site],
      ["Finding", a => a.summary], ["Option", a => a.option], ["Value", a => a.value], ["Why", a => a.why],
      ["Fix", a => a.fix], ["Phones", a => a.count + ": " + a.phones.join(" ")], ["Last seen", a => when(a.lastSeen)]],
      alerts.alerts, "no DHCP alert");
  }
  try {
    const claimable = await api("GET", "/admin/v1/devices/claimable");
    fill($("claimable"), [["MAC", d => d.mac], ["Model", d => d.model], ["Issuer", d => d.issuer],
      ["From", d => d.sourceIp], ["First seen", d => when(d.firstSeen)], ["Last seen", d => when(d.lastSeen)],
      ["Seen", d => d.seenCount]], claimable.devices, "no unenrolled phone has called");
  } catch (error) {
    fill($("claimable"), [["", () => ""]], [], error.message);
  }
}

function startLive() {
  loadLive();
  liveTimer = setInterval(loadLive, 5000);
}

function stopLive() {
  if (liveTimer) clearInterval(liveTimer);
  liveTimer = null;
}

const JITTER_BOUND_MS = 30;
const LOSS_BOUND_PERCENT = 1;

function lossPercent(leg) {
  const expected = (leg.packetsReceived || 0) + (leg.lost || 0);
  return expected === 0 ? 0 : 100 * leg.lost / expected;
}

function quality(leg) {
  if (!leg) return "no media yet";
  const loss = lossPercent(leg);
  return "loss " + loss.toFixed(2) + " %" + (loss > LOSS_BOUND_PERCENT ? " (over 1 %)" : "")
    + ", jitter " + leg.jitterMs + " ms" + (leg.jitterMs > JITTER_BOUND_MS ? " (over 30 ms)" : "")
    + ", " + leg.packetsReceived + " in / " + leg.packetsSent + " out" + (leg.dropped ? ", " + leg.dropped + " dropped" : "");
}

function breached(call) {
  const legs = Object.values(call.media || {});
  return legs.some(leg => leg.qualityBreached || lossPercent(leg) > LOSS_BOUND_PERCENT || leg.jitterMs > JITTER_BOUND_MS)
    ? "breached" : "";
}

async function loadLive() {
  const registrations = await attempt("loading the registrations", () => api("GET", "/admin/v1/registrations"));
  if (registrations) {
    $("flow-count").textContent = "(" + registrations.flows + " flow(s))";
    fill($("registrations"), [["AOR", r => r.aor, () => "aor"], ["MAC", r => r.mac], ["Flow", r => r.flow],
      ["Source", r => r.source], ["Transport", r => r.transport + (r.cipher ? " " + r.cipher : "")],
      ["Registered", r => when(r.registeredAt)], ["Last keepalive", r => when(r.lastKeepalive)],
      ["Expires in", r => r.expires + " s"], ["User agent", r => r.userAgent]],
      registrations.registrations, "no phone registered");
  }
  const calls = await attempt("loading the calls", () => api("GET", "/admin/v1/calls"));
  if (calls) {
    fill($("calls"), [["Caller", c => c.caller, () => "caller"], ["Callee", c => c.callee, () => "callee"],
      ["Started", c => when(c.startedAt)], ["Answered", c => when(c.answeredAt)],
      ["Caller's media", c => quality((c.media || {}).caller)], ["Callee's media", c => quality((c.media || {}).callee)]],
      calls.active, "no call in progress").querySelectorAll("tr").forEach((row, index) => {
      if (calls.active[index]) row.className = breached(calls.active[index]);
    });
    fill($("recent-calls"), [["Caller", c => c.caller], ["Callee", c => c.callee], ["Started", c => when(c.startedAt)],
      ["Ended", c => when(c.endedAt)], ["Cause", c => c.cause], ["Status", c => c.status],
      ["Caller's media", c => quality((c.media || {}).caller)], ["Callee's media", c => quality((c.media || {}).callee)]],
      calls.recent, "no call ended yet");
  }
}

async function loadAudit(event) {
  if (event) event.preventDefault();
  const query = new URLSearchParams();
  for (const [name, value] of new FormData($("audit-filter"))) if (value) query.set(name, value.trim());
  const audit = await attempt("loading the audit log", () => api("GET", "/admin/v1/audit/search?" + query));
  if (audit) {
    const body = fill($("audit"), [["When", e => when(e.at)], ["Actor", e => e.actor], ["From", e => e.sourceIp],
      ["Action", e => e.action], ["Outcome", e => e.outcome], ["Reason", e => e.reason], ["MAC", e => e.mac],
      ["Count", e => e.count], ["Detail", e => e.detail]], audit.events, "no event matches");
    audit.events.forEach((event, index) => {
      if (event.outcome === "refused") body.rows[index].className = "refused";
    });
  }
}

// ---- wiring

$("login").addEventListener("submit", event => {
  event.preventDefault();
  const value = tokenField.value.trim();
  if (!value) {
    say("paste the admin token (the contents of var/admin-token, or a tenant's token)", true);
    return;
  }
  signIn(value);
});
$("sign-out").addEventListener("click", () => showSignedOut(null));
for (const tab of document.querySelectorAll("#views button")) tab.addEventListener("click", () => show(tab.dataset.view));
$("device-filter").addEventListener("submit", event => {
  event.preventDefault();
  deviceQuery.page = 0;
  loadDevices();
});
$("page-previous").addEventListener("click", () => { deviceQuery.page = Math.max(0, deviceQuery.page - 1); loadDevices(); });
$("page-next").addEventListener("click", () => { deviceQuery.page += 1; loadDevices(); });
$("show-enroll").addEventListener("click", () => { $("enroll").hidden = false; $("edit").hidden = true; });
for (const close of document.querySelectorAll(".panel .close")) {
  close.addEventListener("click", () => { close.closest("form").hidden = true; });
}
$("enroll").addEventListener("submit", enroll);
$("edit").addEventListener("submit", saveEdit);
$("import").addEventListener("submit", importCsv);
$("firmware-upload").addEventListener("submit", uploadFirmware);
$("site-pick").addEventListener("submit", openSite);
$("site-add").addEventListener("click", () => settingRow($("site-table").tBodies[0], "", ""));
$("site-settings").addEventListener("submit", saveSite);
$("site-resync").addEventListener("click", resyncSite);
$("audit-filter").addEventListener("submit", loadAudit);

if (token()) signIn(token());
