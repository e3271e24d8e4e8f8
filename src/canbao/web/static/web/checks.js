/* Checks as the surveyor types: a port of canbao/engine/validate/{idnumber,phone,creditcode}.py with
   the same rules and the same Chinese messages, so the phone says what the server would say. The
   server checks every entry again (survey/validation.py); tests/browser compares the two. */
(function (root) {
  "use strict";

  // normalise_text: trim Unicode white space, fold full-width digits and letters to half-width.
  function norm(s) {
    return String(s == null ? "" : s)
      .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, function (c) {
        return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
      })
      .trim();
  }

  function uniqueSorted(chars) {
    return Array.from(new Set(chars)).sort(function (a, b) {
      return a.codePointAt(0) - b.codePointAt(0);
    });
  }

  // GB 11643 / ISO 7064 MOD 11-2 check character of the first 17 digits.
  function idCheckChar(first17) {
    var sum = 0;
    for (var i = 0; i < 17; i++) {
      sum += Number(first17[i]) * (Math.pow(2, 17 - i) % 11);
    }
    var c = (12 - (sum % 11)) % 11;
    return c === 10 ? "X" : String(c);
  }

  function pad(n, w) {
    var s = String(n);
    while (s.length < w) s = "0" + s;
    return s;
  }

  function realDate(y, m, d) {
    if (y < 1 || m < 1 || m > 12 || d < 1) return null;
    var days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if (d > days[m - 1]) return null;
    return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2);
  }

  /* asOf: "YYYY-MM-DD" or null (the survey form checks without one, as the server does). */
  function checkId(value, asOf) {
    var text = norm(value);
    if (!text) return { valid: false, reason: "EMPTY", message: "公民身份号码为空", normalised: null };
    var bad = uniqueSorted(Array.from(text).filter(function (ch) { return "0123456789Xx".indexOf(ch) < 0; }));
    if (bad.length) {
      return { valid: false, reason: "BAD_CHARS", normalised: null,
               message: "公民身份号码含非法字符：" + bad.map(function (c) { return "“" + c + "”"; }).join("、") };
    }
    var number = text.toUpperCase();
    if (number.length !== 15 && number.length !== 18) {
      return { valid: false, reason: "LENGTH", normalised: null,
               message: "公民身份号码长度错误：应为 18 位（或 15 位旧号码），实为 " + number.length + " 位" };
    }
    if (number.slice(0, -1).indexOf("X") >= 0 || (number.length === 15 && number.indexOf("X") >= 0)) {
      return { valid: false, reason: "BAD_CHARS", normalised: null, message: "公民身份号码中 X 只能作为第 18 位校验码" };
    }
    var converted = number.length === 15;
    if (converted) {
      var first = number.slice(0, 6) + "19" + number.slice(6);
      number = first + idCheckChar(first);
    }
    var invalid = function (reason, message) {
      return { valid: false, reason: reason, message: message, normalised: number, converted: converted };
    };
    var expected = idCheckChar(number.slice(0, 17));
    if (number[17] !== expected) return invalid("CHECK_CHAR", "校验码错误：应为 " + expected + "，实为 " + number[17]);
    var digits = number.slice(6, 14);
    var birth = realDate(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6)));
    if (!birth) return invalid("BAD_DATE", "出生日期 " + digits + " 不是有效日期");
    if (birth < "1900-01-01") return invalid("BEFORE_1900", "出生日期 " + birth + " 早于 1900-01-01");
    if (asOf && birth > asOf) return invalid("AFTER_AS_OF", "出生日期 " + birth + " 晚于基准日 " + asOf);
    return { valid: true, reason: null, message: null, normalised: number, converted: converted,
             birth: birth, sex: Number(number[16]) % 2 === 1 ? "1" : "2" };
  }

  var MOBILE = /^1[3-9]\d{9}$/;
  var LANDLINE_SPLIT = /^(0\d{2,3})-(\d{7,8})$/;
  var LANDLINE_DIGITS = /^0\d{9,11}$/;

  function checkPhone(value) {
    var text = norm(value).replace(/－/g, "-").replace(/—/g, "-");
    if (!text) return { valid: false, reason: "EMPTY", message: "联系电话为空", normalised: null };
    if (/[^\d\s\-+()（）]/.test(text)) {
      return { valid: false, reason: "BAD_CHARS", normalised: null, message: "联系电话含非法字符：“" + text + "”" };
    }
    var compact = text.replace(/[\s\-()（）]/g, "");
    var mobile = compact;
    var stripped = false;
    ["+86", "0086"].forEach(function (p) {
      if (!stripped && mobile.indexOf(p) === 0) { mobile = mobile.slice(p.length); stripped = true; }
    });
    if (!stripped && mobile.indexOf("86") === 0 && mobile.length === 13) mobile = mobile.slice(2);
    if (MOBILE.test(mobile)) return { valid: true, reason: null, message: null, normalised: mobile, kind: "mobile" };
    var plain = text.replace(/[\s()（）]/g, "");
    var m = LANDLINE_SPLIT.exec(plain);
    if (m) return { valid: true, reason: null, message: null, normalised: m[1] + "-" + m[2], kind: "landline" };
    if (compact.indexOf("+") < 0 && LANDLINE_DIGITS.test(compact)) {
      var split = compact[1] === "1" || compact[1] === "2" ? 3 : 4;
      var local = compact.slice(split);
      if (local.length >= 7 && local.length <= 8) {
        return { valid: true, reason: null, message: null, normalised: compact.slice(0, split) + "-" + local, kind: "landline" };
      }
    }
    return { valid: false, reason: "FORMAT", normalised: null,
             message: "联系电话格式错误：“" + text + "”，应为 11 位手机号码（1 开头）或带区号的固定电话（如 0833-1234567）" };
  }

  var CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

  // GB 32100: weights 3^i mod 31, check = 31 - sum mod 31 (31 → 0).
  function creditCheckChar(first17) {
    var sum = 0;
    for (var i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(first17[i]) * (Math.pow(3, i) % 31);
    return CREDIT_ALPHABET[(31 - (sum % 31)) % 31];
  }

  function checkCredit(value) {
    var code = norm(value).toUpperCase();
    if (!code) return { valid: false, reason: "EMPTY", message: "统一社会信用代码为空" };
    var bad = uniqueSorted(Array.from(code).filter(function (ch) { return CREDIT_ALPHABET.indexOf(ch) < 0; }));
    if (bad.length) {
      return { valid: false, reason: "BAD_CHARS",
               message: "统一社会信用代码含非法字符：" + bad.map(function (c) { return "“" + c + "”"; }).join("、") + "（不使用 I、O、Z、S、V）" };
    }
    if (code.length !== 18) return { valid: false, reason: "LENGTH", message: "统一社会信用代码长度错误：应为 18 位，实为 " + code.length + " 位" };
    if (!/^\d{6}$/.test(code.slice(2, 8))) {
      return { valid: false, reason: "BAD_CHARS", message: "统一社会信用代码第 3–8 位（登记管理机关行政区划码）应为数字：" + code.slice(2, 8) };
    }
    var expected = creditCheckChar(code.slice(0, 17));
    if (code[17] !== expected) return { valid: false, reason: "CHECK_CHAR", message: "校验码错误：应为 " + expected + "，实为 " + code[17] };
    return { valid: true, reason: null, message: null, normalised: code };
  }

  /* A short code against the table the server rendered into the page (survey/entry.form_tables). */
  function checkCode(table, value) {
    var code = norm(value);
    if (!code) return { valid: true, empty: true };
    if ((table.accepted || Object.keys(table.codes)).indexOf(code) < 0) {
      var choices = Object.keys(table.codes).map(function (k) { return k + " " + table.codes[k]; }).join("、");
      return { valid: false, message: "代码 " + code + " 不在" + table.name + "中（可填：" + choices + "）" };
    }
    return { valid: true, name: table.codes[code] || "" };
  }

  root.CanbaoChecks = { norm: norm, checkId: checkId, checkPhone: checkPhone, checkCredit: checkCredit,
                        checkCode: checkCode, idCheckChar: idCheckChar };
})(typeof self !== "undefined" ? self : this);
