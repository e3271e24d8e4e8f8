/* The surveyor's phone pages: checks as they type, entries saved on the phone (IndexedDB) with a
   client_uuid made when 保存 is tapped, and a sync loop that sends them to POST /m/sync and removes
   each one only when the server has answered for it (accepted, or refused with the reasons, which
   stay on the phone for correction). Nothing is dropped silently; sending twice is harmless. */
(function () {
  "use strict";
  var C = window.CanbaoChecks;
  var body = document.body;
  var PAGE_CACHE = "canbao-m-pages";
  var BATCH = 20;
  var tables = JSON.parse(document.getElementById("survey-tables").textContent || "{}");

  /* ------------------------------------------------------------------ IndexedDB: the entries */
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open("canbao-m", 1);
        req.onupgradeneeded = function () { req.result.createObjectStore("entries", { keyPath: "client_uuid" }); };
        req.onsuccess = function () { resolve(req.result); };
        req.onerror = function () { reject(req.error); };
      });
    }
    return dbPromise;
  }
  function tx(mode, fn) {
    return db().then(function (d) {
      return new Promise(function (resolve, reject) {
        var t = d.transaction("entries", mode);
        var out = fn(t.objectStore("entries"));
        t.oncomplete = function () { resolve(out && out.result !== undefined ? out.result : undefined); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  function allEntries() {
    return tx("readonly", function (s) { return s.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.saved_at < b.saved_at ? -1 : 1; });
    });
  }
  function putEntry(e) { return tx("readwrite", function (s) { s.put(e); }); }
  function deleteEntry(uuid) { return tx("readwrite", function (s) { s["delete"](uuid); }); }

  function newUuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.from(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* ------------------------------------------------------------------ status line */
  function mine(e) { return !e.user || e.user === body.dataset.user; }
  function showStatus() {
    var state = document.getElementById("net-state");
    state.textContent = navigator.onLine ? "在线" : "离线（保存的记录联网后自动同步）";
    body.classList.toggle("offline", !navigator.onLine);
    return allEntries().then(function (rows) {
      var queued = rows.filter(function (e) { return mine(e) && e.status === "queued"; }).length;
      var refused = rows.filter(function (e) { return mine(e) && e.status === "refused"; }).length;
      var parts = [];
      if (queued) parts.push("待同步 " + queued + " 条");
      if (refused) parts.push("需修改 " + refused + " 条");
      document.getElementById("queue-count").textContent = parts.length ? " · " + parts.join("，") : "";
      if (body.dataset.page === "home") renderLocal(rows);
    });
  }

  /* ------------------------------------------------------------------ sync */
  var syncing = false;
  function loginNeeded() { document.getElementById("login-needed").hidden = false; }
  function authLost(r) { return r.type === "opaqueredirect" || r.status === 401 || r.status === 403; }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    var who;
    return allEntries().then(function (rows) {
      var queued = rows.filter(function (e) { return e.status === "queued"; });
      if (!queued.length) return null;
      return fetch("/m/sync", { credentials: "same-origin", redirect: "manual", cache: "no-store",
                                headers: { Accept: "application/json" } })
        .then(function (r) {
          if (authLost(r)) { loginNeeded(); return null; }
          if (!r.ok) throw new Error("HTTP " + r.status);
          return r.json();
        })
        .then(function (info) {
          if (!info) return null;
          who = info;
          document.getElementById("login-needed").hidden = true;
          // Another account's entries on a shared phone wait for that account to log in.
          var ours = queued.filter(function (e) { return !e.user || e.user === who.user; });
          var batches = [];
          for (var i = 0; i < ours.length; i += BATCH) batches.push(ours.slice(i, i + BATCH));
          return batches.reduce(function (p, batch) {
            return p.then(function (go) { return go === false ? false : send(batch, who.csrf); });
          }, Promise.resolve(true));
        });
    }).catch(function () {
      /* offline again or the server is down: everything stays queued for the next attempt */
    }).then(function () { syncing = false; return showStatus(); });
  }

  function send(batch, csrf) {
    var payload = batch.map(function (e) {
      return { client_uuid: e.client_uuid, target_id: e.target_id, new_person: e.new_person, data: e.data };
    });
    return fetch("/m/sync", {
      method: "POST", credentials: "same-origin", redirect: "manual", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
      body: JSON.stringify(payload),
    }).then(function (r) {
      if (authLost(r)) { loginNeeded(); return false; }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json().then(function (out) {
        var byUuid = {};
        batch.forEach(function (e) { byUuid[e.client_uuid] = e; });
        return Promise.all((out.results || []).map(function (res) {
          var e = byUuid[res.client_uuid];
          if (!e) return null;
          if (res.status === "accepted") return deleteEntry(e.client_uuid);
          e.status = "refused";
          e.message = res.message || "未通过检查";
          e.errors = res.errors || {};
          return putEntry(e);
        }));
      });
    });
  }

  /* ------------------------------------------------------------------ home page */
  function renderLocal(rows) {
    var section = document.getElementById("local");
    var list = document.getElementById("local-list");
    var ours = rows.filter(mine);
    section.hidden = !ours.length;
    list.textContent = "";
    ours.forEach(function (e) {
      var li = document.createElement("li");
      li.className = "card local-entry " + e.status;
      li.dataset.uuid = e.client_uuid;
      var a = document.createElement("a");
      a.className = "row";
      a.href = e.target_id ? "/m/targets/" + e.target_id + "/?local=" + e.client_uuid : "/m/new/?local=" + e.client_uuid;
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = e.label || "登记表";
      var badge = document.createElement("span");
      badge.className = "badge " + e.status;
      badge.textContent = e.status === "queued" ? "待同步" : "需修改";
      a.appendChild(name);
      a.appendChild(badge);
      if (e.status === "refused") {
        var why = document.createElement("span");
        why.className = "comment";
        var details = Object.keys(e.errors || {}).map(function (k) { return e.errors[k]; });
        why.textContent = e.message + (details.length ? "：" + details.join("；") : "");
        a.appendChild(why);
      }
      li.appendChild(a);
      list.appendChild(li);
    });
    document.querySelectorAll("[data-target]").forEach(function (li) {
      var badge = li.querySelector(".badge");
      if (!badge) return;
      var e = ours.filter(function (x) { return String(x.target_id) === li.dataset.target; }).pop();
      badge.hidden = !e;
      if (e) { badge.className = "badge " + e.status; badge.textContent = e.status === "queued" ? "待同步" : "需修改"; }
    });
  }

  /* Store every editable target's form page for offline use (one audited request). */
  function cacheForOffline() {
    if (!navigator.onLine || body.dataset.source !== "network" || !window.caches) return Promise.resolve(false);
    return fetch("/m/offline", { credentials: "same-origin", redirect: "manual", cache: "no-store" })
      .then(function (r) {
        if (!r.ok || r.type === "opaqueredirect") return false;
        return r.json().then(function (out) {
          return caches.open(PAGE_CACHE).then(function (cache) {
            return cache.keys().then(function (keys) {
              // Pages of targets no longer ours (reassigned, submitted) leave the phone.
              return Promise.all(keys.filter(function (k) {
                return !(new URL(k.url).pathname in out.pages);
              }).map(function (k) { return cache["delete"](k); }));
            }).then(function () {
              return Promise.all(Object.keys(out.pages).map(function (url) {
                return cache.put(url, new Response(out.pages[url], { headers: { "Content-Type": "text/html; charset=utf-8" } }));
              }));
            }).then(function () { return Object.keys(out.pages).length; });
          });
        });
      }).catch(function () { return false; });
  }

  /* ------------------------------------------------------------------ form page */
  function field(name) { return document.querySelector('[name="' + name + '"]'); }
  function msg(name, text, ok) {
    var p = document.querySelector('.msg[data-for="' + name + '"]');
    if (!p) return;
    p.textContent = text || "";
    p.className = "msg" + (text ? (ok ? " ok" : " err") : "");
    var input = field(name);
    if (input) input.classList.toggle("bad", !!text && !ok);
  }

  var SEX = { "1": "男", "2": "女" };
  function checkField(input) {
    var name = input.name;
    var kind = input.dataset.check;
    var v = input.value;
    var form = document.getElementById("entry");
    if (kind === "id") {
      if (!C.norm(v)) return form.dataset.new ? (msg(name, "请填写公民身份号码"), false) : (msg(name, ""), true);
      var r = C.checkId(v, null);
      if (!r.valid) return msg(name, r.message), false;
      msg(name, "有效：" + SEX[r.sex] + "，" + r.birth + " 出生" + (r.converted ? "（已由 15 位转为 " + r.normalised + "）" : ""), true);
      return true;
    }
    if (kind === "phone") {
      if (!C.norm(v)) return msg(name, ""), true;
      var p = C.checkPhone(v);
      if (!p.valid) return msg(name, p.message), false;
      return msg(name, p.kind === "mobile" ? "手机 " + p.normalised : "固定电话 " + p.normalised, true), true;
    }
    if (kind === "credit") {
      if (!C.norm(v)) return msg(name, ""), true;
      var c = C.checkCredit(v);
      return c.valid ? (msg(name, "有效", true), true) : (msg(name, c.message), false);
    }
    if (kind === "code") {
      var k = C.checkCode(tables[input.dataset.table], v);
      if (!k.valid) return msg(name, k.message), false;
      if (name === "employment_status" && !k.empty && C.norm(field("employer_name").value)) {
        return msg(name, "有工作单位的不填无单位人员的就业状态"), false;
      }
      return msg(name, k.empty ? "" : C.norm(v) + " " + k.name, true), true;
    }
    if (kind === "text") {
      var t = C.norm(v);
      var max = Number(input.getAttribute("maxlength") || 0);
      if (max && t.length > max) return msg(name, "不能超过 " + max + " 个字"), false;
      if (name === "aac003" && form.dataset.new && !t) return msg(name, "请填写户籍姓名"), false;
      if (name === "employer_name") checkField(field("employment_status"));
      return msg(name, ""), true;
    }
    return true;
  }

  function formData(form) {
    var data = {};
    form.querySelectorAll("input[data-check], textarea[data-check]").forEach(function (i) {
      if (C.norm(i.value)) data[i.name] = C.norm(i.value);
    });
    data.insured_schemes = Array.from(form.querySelectorAll('input[name="insured_schemes"]:checked')).map(function (i) { return i.value; });
    return data;
  }

  function fill(form, data) {
    form.querySelectorAll("input[data-check], textarea[data-check]").forEach(function (i) {
      i.value = data[i.name] || "";
    });
    var schemes = data.insured_schemes || [];
    form.querySelectorAll('input[name="insured_schemes"]').forEach(function (i) { i.checked = schemes.indexOf(i.value) >= 0; });
  }

  function setupForm() {
    var form = document.getElementById("entry");
    if (!form || !form.querySelector(".save")) return;
    document.querySelectorAll("details.codes").forEach(function (d) {
      var t = tables[d.dataset.table];
      var ul = document.createElement("ul");
      Object.keys(t.codes).forEach(function (k) {
        var li = document.createElement("li");
        var b = document.createElement("button");
        b.type = "button";
        b.className = "code";
        b.textContent = k + " " + t.codes[k];
        b.addEventListener("click", function () {
          var input = field(d.dataset.table);
          input.value = k;
          checkField(input);
          d.open = false;
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      d.appendChild(ul);
    });
    form.querySelectorAll("[data-check]").forEach(function (input) {
      input.addEventListener("input", function () { checkField(input); });
      if (input.value) checkField(input);
    });
    // An entry still on the phone for this form (queued, or refused for correction) is what is shown.
    var local = new URLSearchParams(location.search).get("local");
    allEntries().then(function (rows) {
      var e = rows.filter(function (x) {
        return mine(x) && (local ? x.client_uuid === local : form.dataset.target && String(x.target_id) === form.dataset.target);
      }).pop();
      if (!e) return;
      fill(form, e.data);
      form.dataset.replaces = e.client_uuid;
      form.querySelectorAll("[data-check]").forEach(function (i) { if (i.value) checkField(i); });
      var note = document.getElementById("form-msg");
      note.hidden = false;
      if (e.status === "refused") {
        note.textContent = "服务器未接收：" + e.message + "。请更正后再保存。";
        Object.keys(e.errors || {}).forEach(function (k) { msg(k, e.errors[k]); });
      } else {
        note.textContent = "此表已保存在本机，待同步。";
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var ok = true;
      form.querySelectorAll("[data-check]").forEach(function (i) { if (!checkField(i)) ok = false; });
      var note = document.getElementById("form-msg");
      if (!ok) {
        note.hidden = false;
        note.textContent = "请先更正标红的项目。";
        var bad = form.querySelector(".bad");
        if (bad) bad.focus();
        return;
      }
      var entry = {
        client_uuid: newUuid(),  // made now: re-sending this entry can never create a second form
        user: body.dataset.user,
        target_id: form.dataset.target ? Number(form.dataset.target) : null,
        new_person: form.dataset.new ? { campaign: Number(field("campaign").value), village: field("village").value } : null,
        data: formData(form),
        label: form.dataset.new ? (C.norm(field("aac003").value) || "名单外人员") + "（新增）" : form.dataset.label,
        saved_at: new Date().toISOString(),
        status: "queued",
      };
      var replaced = form.dataset.replaces;
      putEntry(entry)
        .then(function () { return replaced ? deleteEntry(replaced) : null; })
        .then(function () { location.href = "/m/?saved=" + entry.client_uuid; })
        .catch(function (err) {
          note.hidden = false;
          note.textContent = "本机保存失败：" + err + "。请勿离开本页，稍后再试。";
        });
    });
  }

  /* ------------------------------------------------------------------ start */
  function registerWorker() {
    if (!("serviceWorker" in navigator)) return Promise.resolve(false);
    return navigator.serviceWorker.register("/m/sw.js", { scope: "/m/" })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function () { return true; })
      .catch(function () { return false; });
  }

  var logout = document.getElementById("logout");
  if (logout) {
    logout.addEventListener("submit", function (ev) {
      // The pages hold (masked) person data: they leave the phone at logout. Queued entries stay.
      if (!window.caches) return;
      ev.preventDefault();
      caches["delete"](PAGE_CACHE).catch(function () {}).then(function () { logout.submit(); });
    });
  }

  window.addEventListener("online", function () { showStatus(); sync(); });
  window.addEventListener("offline", showStatus);
  setInterval(sync, 30000);
  setupForm();
  showStatus().then(sync);
  Promise.all([registerWorker(), body.dataset.page === "home" ? cacheForOffline() : Promise.resolve(null)])
    .then(function (done) {
      var ready = done[0] && done[1] !== false;
      body.dataset.offlineReady = ready ? "1" : "0";
      var span = document.getElementById("offline-ready");
      if (span && ready && done[1] !== null) span.textContent = "已保存 " + (done[1] - 2) + " 个调查对象的登记表供离线使用。";
    });
  window.CanbaoMobile = { sync: sync, allEntries: allEntries };
})();
