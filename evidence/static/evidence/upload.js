/* Evidence upload: pick or drop several files; each goes up on its own with a progress
   bar, so one refused or interrupted file does not affect the others.

   Files go up resumably through the tus protocol (the vendored tus-js-client, server in
   evidence/resumable_views.py): a dropped connection is retried from the last byte the
   server has, and the upload's address is kept in localStorage by the file's fingerprint,
   so choosing the same file again later carries on where it stopped. A browser the
   library does not support posts each file as a form in one request (XHR), and without
   JavaScript the same form posts the files normally. */
(function () {
  "use strict";

  function humanSize(bytes) {
    var units = ["bytes", "KB", "MB", "GB"];
    var i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i += 1; }
    return (i === 0 ? bytes : bytes.toFixed(1)) + " " + units[i];
  }

  function setup(form) {
    var zone = form.querySelector("[data-drop-zone]");
    var inputs = form.querySelectorAll("input[type=file]");
    var list = form.querySelector("[data-progress-list]");
    var fileList = document.getElementById("file-list");
    var button = form.querySelector("[data-upload-button]");
    var witness = form.querySelector("input[name=is_witness_statement]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var maxBytes = Number(form.dataset.maxBytes);
    var maxLabel = form.dataset.maxLabel;
    var resumableUrl = form.dataset.resumableUrl;
    var resumable = Boolean(resumableUrl && window.tus && window.tus.isSupported);

    if (button) { button.hidden = true; }  // files go up as soon as they are chosen

    function row(file) {
      var li = document.createElement("li");
      var name = document.createElement("p");
      name.className = "mb-1 text-break";
      name.textContent = file.name + " (" + humanSize(file.size) + ")";
      var bar = document.createElement("div");
      bar.className = "progress";
      bar.setAttribute("role", "progressbar");
      bar.setAttribute("aria-label", "Uploading " + file.name);
      bar.setAttribute("aria-valuemin", "0");
      bar.setAttribute("aria-valuemax", "100");
      bar.setAttribute("aria-valuenow", "0");
      var fill = document.createElement("div");
      fill.className = "progress-bar";
      fill.style.width = "0%";
      bar.appendChild(fill);
      var status = document.createElement("p");
      status.className = "mb-0 small";
      status.setAttribute("aria-live", "polite");
      status.textContent = "0% uploaded";
      li.append(name, bar, status);
      list.appendChild(li);
      return {
        progress: function (percent) {
          bar.setAttribute("aria-valuenow", String(percent));
          bar.setAttribute("aria-valuetext", percent + "%");
          fill.style.width = percent + "%";
          status.textContent = percent + "% uploaded";
        },
        queued: function () {
          status.textContent = "Waiting to upload…";
        },
        done: function (text) {
          this.progress(100);
          status.className = "mb-0 small upload-done";
          status.textContent = "✓ " + text;
        },
        fail: function (text) {
          bar.hidden = true;
          status.className = "mb-0 small upload-failed";
          status.setAttribute("role", "alert");
          status.textContent = "✗ " + text;
        }
      };
    }

    function showSaved(saved) {
      if (!saved.length) { return; }
      var empty = fileList && fileList.querySelector("[data-empty]");
      if (empty) { empty.remove(); }
      saved.forEach(function (entry) {
        fileList.insertAdjacentHTML("beforeend", entry.html);
      });
    }

    // One file at a time: each gets the whole connection (kind to phones on slow links) and
    // the rest wait their turn, shown as queued.
    var queue = [];
    var busy = false;

    function next() {
      var job = queue.shift();
      if (!job) { busy = false; return; }
      busy = true;
      send(job.file, job.row);
    }

    function upload(file) {
      var r = row(file);
      if (file.size > maxBytes) {
        r.fail(file.name + " is larger than the limit of " + maxLabel + "; it was not uploaded.");
        return;
      }
      r.queued();
      queue.push({file: file, row: r});
      if (!busy) { next(); }
    }

    // The file list as the server now renders it (the page itself, read again), after a
    // resumable upload has stored a file.
    function refreshFileList() {
      return fetch(window.location.href, {credentials: "same-origin"})
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("file-list");
          if (fresh && fileList) { fileList.replaceChildren.apply(fileList, Array.from(fresh.childNodes)); }
        });
    }

    function sendResumable(file, r) {
      var finished = false;
      var upload = new window.tus.Upload(file, {
        endpoint: resumableUrl,
        // After a dropped connection: ask the server how far it got and send the rest.
        retryDelays: [0, 1000, 3000, 5000, 10000],
        removeFingerprintOnSuccess: true,
        headers: {"X-CSRFToken": token},
        metadata: {
          filename: file.name,
          witness: witness && witness.checked ? "1" : "0"
        },
        onProgress: function (sent, total) {
          // Hold at 99% until the server has checked and stored the file.
          r.progress(Math.min(99, Math.floor((sent / total) * 100)));
        },
        onSuccess: function () {
          if (finished) { return; }
          finished = true;
          refreshFileList().then(
            function () { r.done(file.name + " uploaded and checked."); },
            function () { r.done(file.name + " uploaded and checked (reload the page to see it)."); }
          ).then(next);
        },
        onError: function (error) {
          if (finished) { return; }
          finished = true;
          var response = error && error.originalResponse;
          var status = response ? response.getStatus() : 0;
          var text = response ? response.getBody() : "";
          if (status >= 400 && status < 500 && text && status !== 403) {
            r.fail(file.name + ": " + text + " Nothing of it was saved.");
          } else if (status === 403 && text && text.indexOf("CSRF") === -1) {
            r.fail(file.name + ": " + text);
          } else if (status) {
            r.fail("The upload of " + file.name + " failed (error " + status + "). Choose the same file again to carry on from where it stopped.");
          } else {
            r.fail("The upload of " + file.name + " was interrupted (the connection was lost). Choose the same file again to carry on from where it stopped.");
          }
          next();
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) { upload.resumeFromPreviousUpload(previous[0]); }
        upload.start();
      });
    }

    function send(file, r) {
      if (resumable) { sendResumable(file, r); return; }
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      if (witness && witness.checked) { data.append("is_witness_statement", "on"); }
      data.append("file", file, file.name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.onprogress = function (event) {
        if (event.lengthComputable) {
          // Hold at 99% until the server has checked and stored the file.
          r.progress(Math.min(99, Math.floor((event.loaded / event.total) * 100)));
        }
      };
      xhr.onloadend = next;
      xhr.onload = function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body) {
          r.done(file.name + " uploaded and checked.");
          showSaved(body.saved);
        } else if (body && body.errors && body.errors.length) {
          r.fail(body.errors.join(" ") + " Nothing of it was saved.");
          if (body.saved) { showSaved(body.saved); }
        } else {
          r.fail("The upload of " + file.name + " failed (error " + xhr.status + "); nothing was saved. Try again.");
        }
      };
      xhr.onerror = function () {
        r.fail("The upload of " + file.name + " was interrupted (the connection was lost); nothing was saved. Try again.");
      };
      xhr.onabort = function () {
        r.fail("The upload of " + file.name + " was cancelled; nothing was saved.");
      };
      xhr.send(data);
    }

    function uploadAll(files) {
      Array.prototype.forEach.call(files, upload);
    }

    inputs.forEach(function (input) {
      input.addEventListener("change", function () {
        uploadAll(input.files);
        input.value = "";
      });
    });
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    });
    zone.addEventListener("dragleave", function (event) {
      if (!zone.contains(event.relatedTarget)) { zone.classList.remove("is-dragover"); }
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.classList.remove("is-dragover");
      if (event.dataTransfer && event.dataTransfer.files.length) {
        uploadAll(event.dataTransfer.files);
      }
    });
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    setup(form);
    form.dataset.uploadReady = "1";  // lets tests (and styles) know the script took over
  });
})();
