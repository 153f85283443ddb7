// Chinese for the form-js editor: its palette, canvas and properties panel carry
// their English labels in the markup (form-js has no translation service for
// them), so the texts are replaced as they appear, while Chinese is the language.
// Switching to English restores the originals.
import { getLang, onLangChange } from '../i18n.js';

export const formZh = {
  // palette groups and field types
  'Components': '组件', 'Search components': '搜索组件', 'Input': '输入', 'Selection': '选择', 'Presentation': '展示',
  'Containers': '容器', 'Action': '操作', 'Text field': '单行文本', 'Text area': '多行文本', 'Number': '数字',
  'Date time': '日期时间', 'Date': '日期', 'Time': '时间', 'Checkbox': '复选框', 'Checkbox group': '复选框组',
  'Radio group': '单选组', 'Select': '下拉选择', 'Tag list': '标签列表', 'Text view': '文本', 'Text': '文本',
  'Image view': '图片', 'Table': '表格', 'HTML view': 'HTML', 'Document preview': '文档预览', 'Spacer': '间距',
  'Separator': '分隔线', 'Group': '分组', 'Dynamic list': '动态列表', 'iFrame': '内嵌页面', 'Button': '按钮',
  'Expression': '表达式', 'File picker': '文件选择', 'Filepicker': '文件选择',
  // properties panel groups and entries
  'General': '常规', 'Validation': '校验', 'Condition': '条件', 'Constraints': '约束', 'Layout': '布局',
  'Appearance': '外观', 'Custom properties': '自定义属性', 'Serialization': '序列化', 'Options source': '选项来源',
  'Static options': '静态选项', 'Dynamic options': '动态选项', 'Options expression': '选项表达式',
  'Data source': '数据来源', 'Field label': '字段标签', 'Label': '标签', 'Key': '键', 'ID': 'ID',
  'Field description': '字段说明', 'Description': '说明', 'Default value': '默认值', 'Disabled': '禁用',
  'Read only': '只读', 'Required': '必填', 'Minimum length': '最小长度', 'Maximum length': '最大长度',
  'Minimum': '最小值', 'Maximum': '最大值', 'Validation pattern': '校验规则', 'Custom regular expression': '自定义正则表达式',
  'Custom error message': '自定义错误提示', 'Hide if': '隐藏条件', 'Deactivate if': '停用条件',
  'Prefix': '前缀', 'Suffix': '后缀', 'Decimal digits': '小数位数', 'Increment': '步长', 'Subtype': '子类型',
  'Date label': '日期标签', 'Time label': '时间标签', 'Time format': '时间格式', 'Time interval': '时间间隔',
  'Disallow past dates': '不允许过去的日期', 'Searchable': '可搜索', 'Columns': '列', 'Column': '列',
  'Auto': '自动', 'Value': '值', 'Name': '名称', 'Type': '类型', 'Content': '内容', 'Path': '路径',
  'Checked': '已勾选', 'Not checked': '未勾选', 'Email': '电子邮箱', 'Phone': '电话', 'Custom': '自定义',
  'Form': '表单', 'Version tag': '版本标签', 'Alternative text': '替代文字', 'Image source': '图片地址',
  'Height': '高度', 'Action': '操作', 'Submit': '提交', 'Reset': '重置', 'Show outline': '显示边框',
  'Vertical alignment': '垂直对齐', 'Top': '顶部', 'Center': '居中', 'Bottom': '底部',
  'Output as string': '输出为文本', 'Compute on': '计算时机', 'Value changes': '值变化时',
  'Form submission': '提交表单时', 'Allow add/delete items': '允许增删项', 'Default number of items': '默认项数',
  'Disable collapse': '禁止折叠', 'Number of non-collapsing items': '不折叠的项数', 'Pagination': '分页',
  'Number of rows per page': '每页行数', 'Header items': '表头项', 'Headers source': '表头来源',
  'Input values key': '输入值键', 'Static': '静态', 'Dynamic': '动态',
  'Toggle section': '展开/收起', 'Create': '新建', 'Create new list item': '新建列表项', 'Delete item': '删除项',
  'Toggle list item': '展开/收起列表项', 'Open documentation': '打开文档', '<empty>': '<空>',
  'Section contains edits': '本节有修改', 'Section contains an error': '本节有错误',
  'Unparsable FEEL expression.': 'FEEL 表达式无法解析。', 'FEEL expression is mandatory': '必须填写 FEEL 表达式',
  'Drag and drop components here to start designing.': '将组件拖到这里开始设计表单。',
  'Use the library on the left to add components.': '从左侧组件库添加组件。',
  'Build your form': '设计表单', 'Remove': '删除', 'Add': '添加', 'Options': '选项', 'Entries': '条目',
  'No components found.': '没有找到组件。', 'Select a form field to edit its properties.': '选择一个字段以编辑其属性。',
  'Properties': '属性', 'Text view content': '文本内容', 'Supports markdown and templating.': '支持 Markdown 和模板。'
};

const ATTRS = ['title', 'placeholder', 'aria-label'];
const originals = new WeakMap();   // node → its English text (per attribute for elements)

function swapText(node, zh) {
  const raw = node.nodeValue;
  const key = raw.trim();
  if (!key) return;
  if (zh) {
    const hit = formZh[key];
    if (hit && raw !== hit) {
      originals.set(node, raw);
      node.nodeValue = raw.replace(key, hit);
    }
  } else if (originals.has(node)) {
    node.nodeValue = originals.get(node);
    originals.delete(node);
  }
}

function swapAttrs(el, zh) {
  for (const name of ATTRS) {
    const value = el.getAttribute?.(name);
    if (!value) continue;
    const saved = originals.get(el) || {};
    if (zh && formZh[value.trim()]) {
      saved[name] = value;
      originals.set(el, saved);
      el.setAttribute(name, formZh[value.trim()]);
    } else if (!zh && saved[name]) {
      el.setAttribute(name, saved[name]);
      delete saved[name];
    }
  }
}

function walk(root, zh) {
  if (root.nodeType === Node.TEXT_NODE) { swapText(root, zh); return; }
  if (root.nodeType !== Node.ELEMENT_NODE) return;
  swapAttrs(root, zh);
  const tw = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let n = tw.nextNode(); n; n = tw.nextNode()) {
    if (n.nodeType === Node.TEXT_NODE) swapText(n, zh); else swapAttrs(n, zh);
  }
}

/** Translate the editor's own chrome (palette, properties panel) under ``container``; returns a stop function. */
export function translateFormEditor(container) {
  const chrome = () => container.querySelectorAll('.fjs-palette-container, .fjs-properties-container, ' +
    '.fjs-editor-palette, .fjs-properties-panel, .bio-properties-panel, .fjs-empty-editor, .fjs-palette');
  let busy = false;
  const run = () => {
    if (busy) return;
    busy = true;
    const zh = getLang() === 'zh';
    chrome().forEach((el) => walk(el, zh));
    busy = false;
  };
  const observer = new MutationObserver(() => { if (getLang() === 'zh') run(); });
  observer.observe(container, { childList: true, subtree: true, characterData: true });
  onLangChange(run);
  run();
  return () => observer.disconnect();
}
