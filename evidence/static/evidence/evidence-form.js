/* Shows the witness fields only when the evidence type is witness testimony. */
(function () {
  "use strict";
  var type = document.getElementById("id_evidence_type");
  var witness = document.getElementById("witness-fields");
  if (!type || !witness) { return; }
  function sync() { witness.hidden = type.value !== "witness"; }
  type.addEventListener("change", sync);
  if (!witness.querySelector(".is-invalid")) { sync(); }
})();
