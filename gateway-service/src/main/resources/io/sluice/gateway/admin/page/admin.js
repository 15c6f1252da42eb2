// The admin page: polls the snapshot endpoint beside it every second, works out the rates from the difference
// between two snapshots, and draws them. Only reads; names are shown as text, never as markup.
(function () {
  'use strict';

  var POLL_MILLIS = 1000;
  // Built from the origin and path, which leave out credentials the page's own address may carry
  // (http://user:password@host/admin/): fetch refuses a URL with them, and the browser sends the ones it was given.
  var SNAPSHOT = location.origin + location.pathname.replace(/[^/]*$/, '') + 'api/snapshot';
  var HISTORY = 120;
  var history = [];
  var previous = null;

  function $(id) {
    return document.getElementById(id);
  }

  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) {
      td.className = className;
    }
    return td;
  }

  function fill(tableId, rows, columns, total) {
    var body = $(tableId).tBodies[0];
    var fresh = document.createElement('tbody');
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      columns.forEach(function (column) {
        var value = column.value(row);
        var td = cell(value === null || value === undefined ? '–' : String(value), column.className);
        if (column.classOf) {
          td.classList.add(column.classOf(row));
        }
        tr.appendChild(td);
      });
      fresh.appendChild(tr);
    });
    if (rows.length === 0) {
      var empty = cell('none', 'empty');
      empty.colSpan = columns.length;
      var tr = document.createElement('tr');
      tr.appendChild(empty);
      fresh.appendChild(tr);
    }
    if (total !== undefined && total > rows.length) {
      var more = cell('and ' + (total - rows.length) + ' more', 'empty');
      more.colSpan = columns.length;
      var moreRow = document.createElement('tr');
      moreRow.appendChild(more);
      fresh.appendChild(moreRow);
    }
    body.parentNode.replaceChild(fresh, body);
  }

  function number(value, digits) {
    return value.toLocaleString('en', { maximumFractionDigits: digits || 0 });
  }

  function bytes(value) {
    if (value === null || value === undefined) {
      return '–';
    }
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return number(value, unit === 0 ? 0 : 1) + ' ' + units[unit];
  }

  function seconds(value) {
    return (value === null || value === undefined) ? '–' : number(value, 1) + ' s';
  }

  function showRate(id, value) {
    var element = $(id);
    element.dataset.value = String(value);
    element.textContent = number(value, value < 10 ? 1 : 0);
  }

  function rates(snapshot) {
    if (previous === null || snapshot.node !== previous.node) {
      previous = snapshot;
      return;
    }
    var elapsed = (snapshot.time - previous.time) / 1000;
    if (elapsed <= 0) {
      return;
    }
    function rate(key) {
      return Math.max(0, (snapshot.totals[key] - previous.totals[key]) / elapsed);
    }
    var point = {
      time: snapshot.time,
      in: rate('messagesIn'),
      out: rate('messagesOut')
    };
    showRate('rate-in', point.in);
    showRate('rate-out', point.out);
    showRate('rate-deliveries', rate('fanoutDeliveries'));
    showRate('rate-opened', rate('connectionsOpened'));
    history.push(point);
    if (history.length > HISTORY) {
      history.shift();
    }
    previous = snapshot;
    draw();
  }

  // A line chart of the last HISTORY points: both series on one linear axis from zero to a rounded maximum.
  function draw() {
    var canvas = $('chart');
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth;
    var height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    var g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    var left = 56;
    var right = 8;
    var top = 8;
    var bottom = 22;
    var plotWidth = width - left - right;
    var plotHeight = height - top - bottom;
    var max = 1;
    history.forEach(function (point) {
      max = Math.max(max, point.in, point.out);
    });
    // The axis ends at the next of 1, 2, 2.5 or 5 times a power of ten.
    var scale = Math.pow(10, Math.floor(Math.log10(max)));
    max = [1, 2, 2.5, 5, 10].map(function (step) { return step * scale; })
      .filter(function (end) { return end >= max; })[0];
    var style = getComputedStyle(document.documentElement);
    g.font = '11px system-ui, sans-serif';
    g.fillStyle = style.getPropertyValue('--muted');
    g.strokeStyle = style.getPropertyValue('--line');
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (var step = 0; step <= 4; step++) {
      var value = max * step / 4;
      var y = top + plotHeight - plotHeight * step / 4;
      g.beginPath();
      g.moveTo(left, Math.round(y) + 0.5);
      g.lineTo(left + plotWidth, Math.round(y) + 0.5);
      g.stroke();
      g.fillText(number(value, value < 10 ? 1 : 0), left - 6, y);
    }
    g.textAlign = 'left';
    g.textBaseline = 'alphabetic';
    g.fillText(HISTORY * POLL_MILLIS / 1000 + ' s ago', left, height - 4);
    g.textAlign = 'right';
    g.fillText('now', left + plotWidth, height - 4);
    function line(key, color) {
      g.strokeStyle = color;
      g.lineWidth = 2;
      g.beginPath();
      history.forEach(function (point, index) {
        var x = left + plotWidth * (HISTORY - history.length + index) / (HISTORY - 1);
        var y = top + plotHeight - plotHeight * point[key] / max;
        if (index === 0) {
          g.moveTo(x, y);
        } else {
          g.lineTo(x, y);
        }
      });
      g.stroke();
    }
    line('in', style.getPropertyValue('--in'));
    line('out', style.getPropertyValue('--out'));
  }

  function age(millis) {
    return millis < 1000 ? 'now' : number(millis / 1000, 0) + ' s ago';
  }

  function show(snapshot) {
    $('node').textContent = 'node ' + snapshot.node;
    rates(snapshot);
    fill('nodes', snapshot.nodes, [
      { value: function (node) { return node.id + (node.self ? ' (this node)' : ''); } },
      { value: function (node) { return node.health; }, classOf: function (node) { return node.health; } },
      { value: function (node) { return age(node.lastHeardMillis); } },
      { value: function (node) { return node.connections; }, className: 'num' }
    ]);
    var busiest = snapshot.busiest;
    $('sampling').textContent = busiest.sampleEvery > 1 ? '(1 message in ' + busiest.sampleEvery + ' sampled)' : '';
    var busyColumns = [
      { value: function (busy) { return busy.name; } },
      { value: function (busy) { return number(busy.messages); }, className: 'num' }
    ];
    fill('busiest-events', busiest.events, busyColumns);
    fill('busiest-records', busiest.records, busyColumns);
    fill('rpc', snapshot.rpcProviders.rows, [
      { value: function (provided) { return provided.name; } },
      { value: function (provided) { return provided.here; }, className: 'num' },
      { value: function (provided) { return provided.nodes.join(', '); } }
    ], snapshot.rpcProviders.total);
    var listeners = [];
    ['record', 'event'].forEach(function (topic) {
      snapshot.listeners[topic].rows.forEach(function (row) {
        listeners.push({ topic: topic, pattern: row.pattern, listeners: row.listeners });
      });
    });
    fill('listeners', listeners, [
      { value: function (row) { return row.topic; } },
      { value: function (row) { return row.pattern; } },
      { value: function (row) { return row.listeners; }, className: 'num' }
    ], snapshot.listeners.record.total + snapshot.listeners.event.total);
    var storage = snapshot.storage;
    $('storage-lag').textContent = storage.lagWrites === null ? '–' : number(storage.lagWrites);
    $('storage-oldest').textContent = seconds(storage.oldestUnstoredSeconds);
    $('storage-backlog').textContent = bytes(storage.backlogBytes);
    $('storage-journal').textContent = bytes(storage.journalBytes);
  }

  function status(text, stale) {
    var element = $('status');
    element.textContent = text;
    element.classList.toggle('stale', stale);
  }

  function poll() {
    fetch(SNAPSHOT, { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) {
          throw new Error('the server answered ' + response.status);
        }
        return response.json();
      })
      .then(function (snapshot) {
        show(snapshot);
        status('updated ' + new Date(snapshot.time).toLocaleTimeString('en-GB'), false);
      })
      .catch(function (error) {
        status('not updated: ' + error.message, true);
      })
      .then(function () {
        setTimeout(poll, POLL_MILLIS);
      });
  }

  window.addEventListener('resize', draw);
  poll();
}());
