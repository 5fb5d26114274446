// Offline trainer mode: the walk-in, headcount and paper-answer forms. Each saved form becomes one
// action in the queue (window.OfflineApp.queue); bad input is explained and queues nothing.
(function () {
  "use strict";

  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }
  function say(form, text) { form.querySelector("[data-form-message]").textContent = text; }

  function walkIn(form, texts) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var values = Object.fromEntries(new FormData(form).entries());
      var name = values.name.trim();
      if (!name || !values.sex || !values.age_band || !values.target_group_id) { say(form, texts.name_needed); return; }
      say(form, "");
      var walk = { name: name, sex: values.sex, age_band: values.age_band,
                   target_group_id: Number(values.target_group_id), phone: values.phone.trim() || null };
      window.OfflineApp.queue("attendance", { label: name + " (" + texts.walk_in + ")", walk_in_name: name,
                                              body: { walk_in: walk } });
      form.reset();
    });
  }

  function headcount(root, form, data, texts) {
    var rows = form.querySelector("[data-headcount-rows]");
    var sexLabels = JSON.parse(rows.getAttribute("data-sexes")), sexes = Object.keys(sexLabels);
    data.target_groups.forEach(function (group) {
      var row = node("tr");
      row.appendChild(node("th", "", group.name));
      sexes.forEach(function (sex) {
        var input = node("input");
        input.type = "number"; input.min = "0"; input.inputMode = "numeric";
        input.name = group.id + ":" + sex;
        input.setAttribute("aria-label", group.name + ": " + sexLabels[sex]);
        var known = (data.headcounts || []).find(function (h) { return h.target_group_id === group.id && h.sex === sex; });
        if (known) input.value = known.count;
        var cell = node("td");
        cell.appendChild(input);
        row.appendChild(cell);
      });
      rows.appendChild(row);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var counts = [], wrong = false;
      form.querySelectorAll("input[type=number]").forEach(function (input) {
        if (input.value === "") return;
        var count = Number(input.value), parts = input.name.split(":");
        if (!Number.isInteger(count) || count < 0) wrong = true;
        counts.push({ target_group_id: Number(parts[0]), sex: parts[1], count: count });
      });
      if (wrong || !counts.length) { say(form, texts.counts_needed); return; }
      say(form, "");
      // A newer headcount replaces one not yet sent: the server keeps the last counts anyway.
      window.OfflineApp.items().filter(function (item) { return item.kind === "headcount" && item.state === "waiting"; })
        .forEach(function (item) { window.OfflineApp.remove(item.key); });
      window.OfflineApp.queue("headcount", { label: texts.headcount_item, body: { counts: counts } });
      say(form, texts.headcount_saved);
    });
  }

  function questions(form, data) {
    var box = form.querySelector("[data-paper-questions]");
    var quiz = data.quizzes[form.querySelector("[data-paper-phase]").value];
    box.textContent = "";
    if (!quiz) return;
    quiz.questions.forEach(function (question, index) {
      var field = node("div", "field");
      var label = node("label", "", (index + 1) + ". " + question.text);
      label.htmlFor = "paper-q-" + question.id;
      var input = node("input", "paper-cell");
      input.id = label.htmlFor; input.name = String(question.id); input.autocomplete = "off";
      input.setAttribute("data-letters", question.options.map(function (o) { return o.letter; }).join(""));
      field.appendChild(label);
      field.appendChild(node("p", "hint", question.options.map(function (o) { return o.letter + " " + o.text; }).join(" · ")));
      field.appendChild(input);
      box.appendChild(field);
    });
  }

  function paper(form, data, texts) {
    var phase = form.querySelector("[data-paper-phase]");
    Object.keys(data.quizzes || {}).forEach(function (key) {
      var option = node("option", "", texts.phases[key]);
      option.value = key;
      phase.appendChild(option);
    });
    phase.addEventListener("change", function () { questions(form, data); });
    questions(form, data);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var person = form.querySelector("[data-paper-person]"), answers = {}, wrong = "";
      form.querySelectorAll(".paper-cell").forEach(function (input) {
        var letters = input.value.toUpperCase().replace(/[\s,;\/]/g, "");
        if (!letters) return;
        var allowed = input.getAttribute("data-letters");
        if (letters.split("").some(function (l) { return allowed.indexOf(l) < 0; })) wrong = allowed;
        answers[input.name] = letters;
      });
      if (wrong) { say(form, fill(texts.letters_wrong, { letters: wrong.split("").join(", ") })); return; }
      if (!person.value || !Object.keys(answers).length) { say(form, texts.answers_needed); return; }
      say(form, "");
      var who = person.value.split(":"), row = { answers: answers };
      if (who[0] === "id") row.participant_id = Number(who[1]); else row.attendance_client_key = who[1];
      var name = person.options[person.selectedIndex].text;
      window.OfflineApp.queue("paper", { label: fill(texts.answers_item, { phase: texts.phases[phase.value], name: name }),
                                         body: { phase: phase.value, rows: [row] } });
      form.querySelectorAll(".paper-cell").forEach(function (input) { input.value = ""; });
      say(form, texts.answers_saved);
    });
  }

  // The people a paper sheet can be for: checked in to one of the event's sessions, on the server or
  // in the queue (a walk-in not yet sent is named by its action's client key).
  function people(root, data, items) {
    var select = root.querySelector("[data-paper-person]"), chosen = select.value, seen = {};
    var names = {};
    data.people.forEach(function (p) { names[p.id] = p.name; });
    select.textContent = "";
    select.appendChild(node("option", "", ""));
    function add(value, text) {
      if (seen[value]) return;
      seen[value] = true;
      var option = node("option", "", text);
      option.value = value;
      option.selected = value === chosen;
      select.appendChild(option);
    }
    (data.checked_in || []).forEach(function (pair) { add("id:" + pair[1], names[pair[1]] || "#" + pair[1]); });
    items.forEach(function (item) {
      if (item.kind !== "attendance" || item.state === "failed") return;
      var id = item.participant_id || (item.result && item.result.participant_id);
      if (id) add("id:" + id, names[id] || (item.result && item.result.participant_name) || item.label);
      else if (item.walk_in_name) add("key:" + item.key, item.walk_in_name);
    });
  }

  window.OfflineForms = {
    build: function (root, data, texts) {
      walkIn(root.querySelector("[data-walk-in]"), texts);
      headcount(root, root.querySelector("[data-headcount]"), data, texts);
      paper(root.querySelector("[data-paper]"), data, texts);
    },
    people: people
  };
})();
