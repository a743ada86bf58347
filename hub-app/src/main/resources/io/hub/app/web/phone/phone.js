// The hub's softphone: SIP over WebSocket with SIP.js (vendored, see vendor/sip.js-0.21.2/LICENSE.md),
// WebRTC audio through the hub's relay. Everything shown is set with textContent, never as markup.
import { Web } from "./vendor/sip.js-0.21.2/lib/index.js";
import { Md5 } from "./vendor/sip.js-0.21.2/lib/core/messages/md5.js";

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
let user;
let domain;
let incoming = false;
let qualityTimer;

function show(id, text) {
  $(id).textContent = text;
}

function fail(what, error) {
  show("error", what + ": " + (error && error.message ? error.message : String(error)));
}

function buttons(state) {
  $("answer").disabled = state !== "incoming";
  $("hangup").disabled = state === "idle";
  $("mute").disabled = state !== "talking";
  $("call").disabled = state !== "idle";
}

/**
 * The TURN servers the hub hands this account: /phone/turn answers a HubDigest challenge (the SIP
 * digest, MD5 with qop=auth, over the account's realm and password) with time-limited credentials.
 */
async function iceServers(extension, realm, password) {
  const first = await fetch("turn", { cache: "no-store", credentials: "omit" });
  if (first.ok) {
    return (await first.json()).iceServers;
  }
  const challenge = first.headers.get("WWW-Authenticate") || "";
  const nonce = /nonce="([^"]+)"/.exec(challenge);
  if (first.status !== 401 || !nonce) {
    throw new Error("TURN credentials: HTTP " + first.status);
  }
  const cnonce = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
  const ha1 = Md5.hashStr(extension + ":" + realm + ":" + password);
  const ha2 = Md5.hashStr("GET:/phone/turn");
  const response = Md5.hashStr(ha1 + ":" + nonce[1] + ":00000001:" + cnonce + ":auth:" + ha2);
  const second = await fetch("turn", {
    cache: "no-store",
    credentials: "omit",
    headers: {
      Authorization: 'HubDigest username="' + extension + '", realm="' + realm + '", nonce="' + nonce[1]
        + '", uri="/phone/turn", qop=auth, nc=00000001, cnonce="' + cnonce + '", response="' + response + '"'
    }
  });
  if (!second.ok) {
    throw new Error("TURN credentials refused: HTTP " + second.status + " (wrong extension or SIP password?)");
  }
  return (await second.json()).iceServers;
}

function peerConnection() {
  const session = user && user.session;
  const handler = session && session.sessionDescriptionHandler;
  return handler ? handler.peerConnection : undefined;
}

/** Call quality from getStats(): what came in, what was lost, jitter, and what went out. */
async function quality() {
  const connection = peerConnection();
  if (!connection) {
    return;
  }
  let received = 0, lost = 0, jitter = 0, sent = 0, pair;
  const stats = await connection.getStats();
  stats.forEach((report) => {
    if (report.type === "inbound-rtp" && report.kind === "audio") {
      received = report.packetsReceived || 0;
      lost = report.packetsLost || 0;
      jitter = report.jitter || 0;
    } else if (report.type === "outbound-rtp" && report.kind === "audio") {
      sent = report.packetsSent || 0;
    } else if (report.type === "candidate-pair" && report.nominated) {
      pair = report;
    }
  });
  // How this end reaches the hub: its own address (host) or a TURN server (relay, over udp or tcp).
  const local = pair ? stats.get(pair.localCandidateId) : undefined;
  const path = local ? local.candidateType + (local.relayProtocol ? " over " + local.relayProtocol : "") : "";
  const element = $("quality");
  element.dataset.received = String(received);
  element.dataset.lost = String(lost);
  element.dataset.sent = String(sent);
  element.dataset.path = path;
  element.textContent = "received " + received + " packets, lost " + lost + ", jitter "
    + Math.round(jitter * 1000) + " ms, sent " + sent + (pair ? ", ICE pair " + pair.state + " via " + path
      : ", ICE " + connection.iceConnectionState + ", no pair chosen yet");
}

/** Figures of the call before are not this call's: the quality line starts empty. */
function clearQuality() {
  const element = $("quality");
  delete element.dataset.received;
  delete element.dataset.lost;
  delete element.dataset.sent;
  delete element.dataset.path;
  element.textContent = "–";
}

function callEnded() {
  clearInterval(qualityTimer);
  clearQuality();
  incoming = false;
  show("call-state", "none");
  $("mute").textContent = "Mute";
  buttons("idle");
}

async function signIn(event) {
  event.preventDefault();
  show("error", "none");
  const extension = $("extension").value.trim();
  const password = $("password").value;
  domain = $("domain").value.trim();
  const server = $("server").value.trim();
  if (user) {
    // A second attempt (a mistyped password) starts over on a WebSocket of its own.
    await user.disconnect().catch(() => undefined);
    user = undefined;
  }
  let servers;
  try {
    servers = await iceServers(extension, domain, password);
  } catch (error) {
    fail("signing in", error);
    return;
  }
  user = new Web.SimpleUser(server, {
    aor: "sip:" + extension + "@" + domain,
    media: { constraints: { audio: true, video: false }, remote: { audio: $("remote") } },
    userAgentOptions: {
      authorizationUsername: extension,
      authorizationPassword: password,
      logLevel: "warn",
      sessionDescriptionHandlerFactoryOptions: {
        // The hub is ICE-lite with its relay address as candidate: no STUN server is asked, and
        // gathering is not waited on for long.
        iceGatheringTimeout: 2000,
        peerConnectionConfiguration: {
          iceServers: servers,
          iceTransportPolicy: params.get("ice") === "relay" ? "relay" : "all"
        }
      }
    },
    delegate: {
      onServerConnect: () => show("state", "connected to " + server),
      onServerDisconnect: (error) => {
        show("state", "disconnected");
        if (error) {
          fail("connection", error);
        }
      },
      onRegistered: () => {
        show("state", "registered as " + extension + "@" + domain);
        $("sign-in").hidden = true;
        $("phone").hidden = false;
        buttons("idle");
      },
      onUnregistered: () => show("state", "not registered"),
      onCallReceived: () => {
        incoming = true;
        const from = user.session ? user.session.remoteIdentity.uri.toString() : "unknown";
        show("call-state", "incoming call from " + from);
        buttons("incoming");
      },
      onCallAnswered: () => {
        clearQuality();
        show("call-state", "in call");
        buttons("talking");
        qualityTimer = setInterval(() => quality().catch((error) => fail("quality", error)), 1000);
      },
      onCallHangup: callEnded
    }
  });
  try {
    show("state", "connecting");
    await user.connect();
    await user.register({
      requestDelegate: {
        onReject: (response) => {
          show("state", "not registered");
          $("sign-in").hidden = false;
          $("phone").hidden = true;
          show("error", "registration refused: " + response.message.statusCode + " " + response.message.reasonPhrase);
        }
      }
    });
  } catch (error) {
    show("state", "not connected");
    fail("registering", error);
  }
}

async function call(event) {
  event.preventDefault();
  show("error", "none");
  const target = $("target").value.trim();
  show("call-state", "calling " + target);
  buttons("calling");
  try {
    await user.call("sip:" + target + "@" + domain, undefined, {
      requestDelegate: {
        onReject: (response) => show("error", "call refused: " + response.message.statusCode + " "
          + response.message.reasonPhrase)
      }
    });
  } catch (error) {
    fail("calling", error);
    callEnded();
  }
}

function start() {
  $("server").value = "wss://" + location.host + "/sip";
  $("domain").value = location.hostname;
  for (const key of ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = key;
    button.addEventListener("click", () => {
      if (user && user.session && !incoming && $("call-state").textContent === "in call") {
        user.sendDTMF(key).catch((error) => fail("DTMF", error));
      } else {
        $("target").value += key;
      }
    });
    $("pad").appendChild(button);
  }
  $("sign-in").addEventListener("submit", signIn);
  $("dial").addEventListener("submit", call);
  $("answer").addEventListener("click", () => {
    incoming = false;
    user.answer().catch((error) => fail("answering", error));
  });
  $("hangup").addEventListener("click", () => user.hangup().catch((error) => fail("hanging up", error)));
  $("mute").addEventListener("click", () => {
    if (user.isMuted()) {
      user.unmute();
      $("mute").textContent = "Mute";
    } else {
      user.mute();
      $("mute").textContent = "Unmute";
    }
  });
  $("sign-out").addEventListener("click", async () => {
    try {
      await user.unregister();
      await user.disconnect();
    } catch (error) {
      fail("signing out", error);
    }
    $("phone").hidden = true;
    $("sign-in").hidden = false;
    show("state", "signed out");
  });
}

start();
