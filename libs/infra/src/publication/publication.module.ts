import { Module } from '@nestjs/common';
import { DepartmentPublicationHandler } from './publication.query';

/** 公开: a department's targets laid out for publication (.docx). */
@Module({ providers: [DepartmentPublicationHandler] })
export class PublicationModule {}
