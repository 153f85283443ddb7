// Chinese labels for the bpmn-js palette, context pad and common properties-panel
// groups. Takes effect for editors created while Chinese is the language.
import { getLang } from '../i18n.js';

const zh = {
  'Activate hand tool': '抓手工具',
  'Activate lasso tool': '套索工具',
  'Activate create/remove space tool': '创建/删除空间工具',
  'Activate global connect tool': '全局连线工具',
  'Create start event': '创建开始事件',
  'Create end event': '创建结束事件',
  'Create intermediate/boundary event': '创建中间/边界事件',
  'Create task': '创建任务',
  'Create gateway': '创建网关',
  'Create expanded sub-process': '创建展开的子流程',
  'Create pool/participant': '创建池/参与者',
  'Create data object reference': '创建数据对象引用',
  'Create data store reference': '创建数据存储引用',
  'Create group': '创建分组',
  'Append task': '追加任务',
  'Append end event': '追加结束事件',
  'Append gateway': '追加网关',
  'Append intermediate/boundary event': '追加中间/边界事件',
  'Append text annotation': '追加文本注释',
  'Add text annotation': '添加文本注释',
  'Change element': '更改元素类型',
  'Change type': '更改类型',
  'Delete': '删除',
  'Connect using sequence/message flow or association': '用顺序流/消息流或关联连接',
  'Connect using association': '用关联连接',
  'Connect to other element': '连接到其他元素',
  'General': '常规',
  'Name': '名称',
  'ID': 'ID',
  'Documentation': '文档',
  'User assignment': '用户分配',
  'Candidate groups': '候选组',
  'Candidate users': '候选用户',
  'Assignee': '办理人',
  'Due date': '到期日期',
  'Follow up date': '跟进日期',
  'Priority': '优先级',
  'Forms': '表单',
  'Implementation': '实现',
  'Topic': '主题',
  'Type': '类型',
  'Timer': '定时器',
  'Value': '值',
  'Inputs': '输入',
  'Outputs': '输出',
  'Execution listeners': '执行监听器',
  'Extension properties': '扩展属性',
  'Asynchronous continuations': '异步延续',
  'Job execution': '作业执行',
  'Conditions': '条件',
  'Condition expression': '条件表达式',
  'Decision reference': '决策引用',
  'Result variable': '结果变量',
  'Process': '流程',
  'Executable': '可执行'
};

function translate(template, replacements = {}) {
  const text = (getLang() === 'zh' && zh[template]) || template;
  return text.replace(/{([^}]+)}/g, (_, key) => replacements[key] ?? `{${key}}`);
}

export const translateModule = { translate: ['value', translate] };
