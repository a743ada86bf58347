// The console reads and changes the hub through the same admin API as scripts do; the token stays
// in this tab's session storage and travels only as a bearer header.
"use strict";

const tokenField = document.getElementById("token");
const statusLine = document.getElementById("status");
tokenField.value = sessionStorage.getItem("hub-token") || "";

async function api(method, path, body) {
  const headers = { "Authorization": "Bearer " + tokenField.value.trim() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) throw new Error(response.status + " " + (json.error || "") + ": " + (json.message || ""));
  return json;
}

function table(id, columns, rows, rowClass) {
  const element = document.getElementById(id);
  element.replaceChildren();
  const head = element.insertRow();
  for (const column of columns) {
    const th = document.createElement("th");
    th.textContent = column;
    head.appendChild(th);
  }
  for (const row of rows) {
    const tr = element.insertRow();
    if (rowClass) tr.className = rowClass(row);
    for (const column of columns) {
      const value = row[column];
      tr.insertCell().textContent = value === null || value === undefined ? "" :
        typeof value === "object" ? JSON.stringify(value) : String(value);
    }
  }
}

async function refresh() {
  try {
    const [devices, claimable, firmware, audit] = await Promise.all([
      api("GET", "/admin/v1/devices?size=200"),
      // Only the operator sees phones nobody has claimed; another tenant's token gets 403 and an empty table.
      api("GET", "/admin/v1/devices/claimable").catch(() => ({ devices: [] })),
      api("GET", "/admin/v1/firmware"), api("GET", "/admin/v1/audit?limit=50")]);
    table("devices", ["mac", "model", "extension", "displayName", "site", "region", "state"], devices.devices);
    table("claimable", ["mac", "model", "issuer", "sourceIp", "firstSeen", "lastSeen", "seenCount"], claimable.devices);
    table("firmware", ["model", "version", "size", "sha256", "target", "uploadedAt"], firmware.images);
    table("audit", ["at", "actor", "sourceIp", "action", "outcome", "reason", "mac", "detail"], audit.events,
      event => event.outcome === "refused" ? "refused" : "");
    statusLine.textContent = "";
  } catch (error) {
    statusLine.textContent = error.message;
  }
}

document.getElementById("login").addEventListener("submit", event => {
  event.preventDefault();
  sessionStorage.setItem("hub-token", tokenField.value.trim());
  refresh();
});

document.getElementById("enroll").addEventListener("submit", async event => {
  event.preventDefault();
  const body = {};
  for (const [name, value] of new FormData(event.target)) if (value) body[name] = value;
  try {
    await api("POST", "/admin/v1/devices", body);
    event.target.reset();
    refresh();
  } catch (error) {
    statusLine.textContent = error.message;
  }
});

if (tokenField.value) refresh();
