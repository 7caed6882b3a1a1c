function (newDoc, oldDoc, userCtx, secObj) {
  // zwgk: who may write which document, decided from the document id alone. The same rule
  // as model::doc::may_write; installed as _design/zwgk by `zwgk sync setup`.
  //
  // Ids: <partition>:<self_check|inspection>:<assessment uuid>:<doc kind>[:<key>]
  //      <partition>:evidence:<sha256>
  // Roles: zwgk_township:<partition>  the township's documents of that partition: every
  //                                    document of a self-check, the responses of an inspection
  //        zwgk_county                 an inspection's other documents, any partition here
  //        zwgk_county:<code>          the same, for partitions starting with <code>
  //        zwgk_admin, _admin          anything
  //        evidence files: a township of the partition or a county role
  var roles = (userCtx && userCtx.roles) || [];
  function has(role) {
    return roles.indexOf(role) !== -1;
  }
  function refuse(why) {
    throw({forbidden: 'zwgk: ' + why});
  }
  if (has('_admin') || has('zwgk_admin')) {
    return;
  }
  var id = String(newDoc._id || '');
  var parts = id.split(':');
  var partition = parts[0];
  if (!/^[a-z0-9]{1,40}$/.test(partition) || parts.length < 3) {
    refuse(id + ' is not a zwgk document id');
  }
  var township = has('zwgk_township:' + partition);
  var county = has('zwgk_county');
  for (var i = 0; i < roles.length; i++) {
    var r = String(roles[i]);
    var code = r.indexOf('zwgk_county:') === 0 ? r.substring(12) : '';
    if (code.length > 0 && partition.indexOf(code) === 0) {
      county = true;
    }
  }
  if (parts[1] === 'evidence') {
    if (parts.length !== 3 || !/^[0-9a-f]{64}$/.test(parts[2])) {
      refuse(id + ' is not a zwgk evidence id');
    }
    if (!township && !county) {
      refuse('only the township ' + partition + ' or a county may store evidence ' + id);
    }
    return;
  }
  var kinds = ['header', 'basis', 'domain', 'result', 'task', 'response'];
  if ((parts[1] !== 'self_check' && parts[1] !== 'inspection') || parts.length < 4 ||
      kinds.indexOf(parts[3]) === -1) {
    refuse(id + ' is not a zwgk document id');
  }
  var townshipDoc = parts[1] === 'self_check' || parts[3] === 'response';
  if (townshipDoc && !township) {
    refuse('only the township ' + partition + ' (role zwgk_township:' + partition +
           ') may write ' + id);
  }
  if (!townshipDoc && !county) {
    refuse('only an inspector (role zwgk_county) may write ' + id);
  }
  // The revision itself must be signed by a role that may write it (as every zwgk copy
  // checks); revisions converted from version-1 files are taken as they were, signed by the
  // role that owns the assessment, as conversion signs them.
  if (newDoc.legacy === true) {
    var owner = parts[1] === 'self_check' ? 'township' : 'county';
    if (!newDoc.author || newDoc.author.role !== owner) {
      refuse(id + ' is marked as converted from a version-1 file but not signed by the ' + owner);
    }
  } else {
    var role = newDoc.author && newDoc.author.role;
    var inspector = role === 'county' || role === 'city' || role === 'province';
    if (townshipDoc ? role !== 'township' : !inspector) {
      refuse(id + ' is signed by the role ' + role + ', which may not write it');
    }
  }
}
